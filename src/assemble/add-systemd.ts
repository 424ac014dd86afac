// What a feature that runs systemd in the image adds: its units with what they pull in and the
// programs they run (through the ELF resolver), the .wants/ links, and the files systemd reads to
// know it is in an initrd (/etc/initrd-release) and to resolve the groups of udev rules.
import type { ResolveOptions } from '../elf/library-resolver.js';
import type { FeatureManifest } from '../features/manifest.js';
import type { Host } from '../host/host.js';
import { collectUnits } from '../systemd/unit-closure.js';
import { initrdRelease } from '../systemd/initrd-release.js';
import { addSysrootFiles } from './add-binaries.js';
import type { PlanBuilder } from './plan-builder.js';

/** isInit: the feature whose systemd is PID 1 (the generated /etc files are its); others only add units. */
export function addSystemdUnits(host: Host, plan: PlanBuilder, feature: FeatureManifest, opts: ResolveOptions, isInit: boolean): void {
  const fwhy = `feature ${feature.name}`;
  const closure = collectUnits(host, feature.systemd_units, feature.systemd_units_omit, fwhy);
  for (const [path, why] of closure.files) addSysrootFiles(host, plan, [path], `${why}, ${fwhy}`, opts);
  for (const [path, { target, why }] of closure.links) plan.add({ type: 'symlink', path, target, reasons: [{ why: `${why}, ${fwhy}` }] });
  for (const [path, why] of closure.programs) addSysrootFiles(host, plan, [path], `${why}, ${fwhy}`, opts);
  for (const [unit, why] of closure.skipped) plan.note({ subject: `feature ${feature.name}`, text: `${unit} left out: ${why}`, reasons: [fwhy] });
  if (!isInit) return;

  plan.add({ type: 'file', path: '/etc/initrd-release', mode: 0o644, content: initrdRelease(host), reasons: [{ why: `generated: tells systemd it runs in an initrd (${fwhy})` }] });
  const groups = host.tryReadText('/etc/group');
  if (groups !== undefined) {
    // the system groups udev rules name (disk, tty, kvm ...): no user's group, no member lists
    const system = groups
      .split('\n')
      .map((l) => l.split(':'))
      .filter((f) => f.length >= 3 && /^\d+$/.test(f[2] ?? '') && Number(f[2]) < 1000)
      .map((f) => `${f[0]}:x:${f[2]}:\n`)
      .join('');
    plan.add({ type: 'file', path: '/etc/group', mode: 0o644, content: system, reasons: [{ why: `generated: the sysroot's system groups, for udev rules (${fwhy})` }] });
  }
  plan.add({
    type: 'file',
    path: '/etc/passwd',
    mode: 0o644,
    content: 'root:*:0:0:root:/root:/bin/sh\nnobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    reasons: [{ why: `generated: root (no password: the emergency shell is sulogin --force) and nobody, for systemd (${fwhy})` }],
  });
}
