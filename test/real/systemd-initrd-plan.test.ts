// The plan of --add systemd-initrd on the real Debian roots: systemd is /init, the initrd units and
// the programs they run are in, systemd 257's dlopen'ed libkmod comes (its "suggested" TPM libraries
// do not), kmod's binary indexes are there for udevd, and the kernel modules are exactly those of the
// same image with the shell /init.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { buildSysroot, kver, trixieKernel } from '../support/fixtures.js';

interface Entry {
  path: string;
  type: string;
  target?: string;
  reasons: { why: string; via?: string }[];
}

function plan(sysroot: string, kernelVersion: string, extra: string[]): Map<string, Entry> {
  const json = JSON.parse(runCli(['build', '--sysroot', sysroot, '--kver', kernelVersion, '-N', '--dry-run', '--json', ...extra])) as { entries: Entry[] };
  return new Map(json.entries.map((e) => [e.path, e]));
}

const modules = (p: Map<string, Entry>): string[] => [...p.keys()].filter((k) => /\.ko(\.[a-z]+)?$/.test(k)).sort();

describe('--add systemd-initrd plan', () => {
  it("Debian 12 (systemd 252): systemd is /init, with the initrd's units, programs and indexes", () => {
    const sd = plan(buildSysroot(), kver(), ['--add', 'systemd-initrd']);
    expect(sd.get('/init')).toMatchObject({ type: 'symlink', target: 'usr/lib/systemd/systemd' });
    expect(sd.get('/usr/lib/systemd/systemd')?.type).toBe('file');
    const units = [
      'initrd.target', 'initrd-root-fs.target', 'initrd-switch-root.target', 'initrd-switch-root.service', 'initrd-cleanup.service',
      'initrd-parse-etc.service', 'initrd-udevadm-cleanup-db.service', 'systemd-udevd.service', 'systemd-journald.service',
      'systemd-modules-load.service', 'systemd-fsck-root.service', 'emergency.target',
    ];
    for (const u of units) expect(sd.has(`/usr/lib/systemd/system/${u}`), u).toBe(true);
    // never the units of a first boot or of the real root's state
    for (const u of ['systemd-firstboot.service', 'systemd-journal-flush.service', 'systemd-random-seed.service']) expect(sd.has(`/usr/lib/systemd/system/${u}`), u).toBe(false);
    // programs reached through Exec*= lines, with the unit that runs them as reason
    expect(sd.get('/usr/bin/systemctl')?.reasons[0]?.why).toMatch(/run by systemd unit initrd-/);
    expect(sd.get('/usr/lib/systemd/systemd-fsck')?.reasons[0]?.why).toMatch(/run by systemd unit systemd-fsck/);
    expect(sd.has('/usr/bin/udevadm')).toBe(true);
    expect(sd.has('/usr/lib/systemd/system-generators/systemd-fstab-generator')).toBe(true);
    expect(sd.has('/usr/lib/udev/rules.d/60-persistent-storage.rules')).toBe(true);
    // udev's 13 MiB hardware database only with --add systemd-hwdb: no rule of a root's block device needs it
    expect(sd.has('/usr/lib/udev/hwdb.bin')).toBe(false);
    expect(sd.has('/etc/initrd-release')).toBe(true);
    expect(sd.has(`/usr/lib/modules/${kver()}/modules.alias.bin`)).toBe(true);
    // the on-demand loading nodes are written by the build (kmod-static-nodes would compute them at boot);
    // systemd-sysctl would have no sysctl.d to apply
    expect(sd.get('/usr/lib/tmpfiles.d/mkinitramfs-ts-static-nodes.conf')?.reasons[0]?.why).toMatch(/modules\.devname as tmpfiles\.d lines/);
    for (const u of ['kmod-static-nodes.service', 'systemd-sysctl.service']) expect(sd.has(`/usr/lib/systemd/system/${u}`), u).toBe(false);
    expect(sd.has('/usr/lib/systemd/system/systemd-tmpfiles-setup-dev.service')).toBe(true);

    const shell = plan(buildSysroot(), kver(), []);
    expect(shell.get('/init')?.type).toBe('file');
    expect(shell.has('/usr/lib/tmpfiles.d/mkinitramfs-ts-static-nodes.conf')).toBe(false);
    expect(shell.has(`/usr/lib/modules/${kver()}/modules.alias.bin`)).toBe(false); // busybox's modprobe reads the text files
    const extra = modules(sd).filter((m) => !shell.has(m));
    expect(modules(shell).filter((m) => !sd.has(m))).toEqual([]);
    expect(extra.map((m) => m.replace(/.*\//, ''))).toEqual(['autofs4.ko']); // systemd's own; the root's drivers are the same
  });

  it("the built image's static-nodes lines name the nodes of its modules.devname (dm_mod's /dev/mapper/control)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkits-sd-nodes-'));
    try {
      const img = join(dir, 'i.img');
      runCli(['build', '--sysroot', buildSysroot(), '--kver', kver(), '-N', '--add', 'systemd-initrd', '-o', img, '-q']);
      const devname = runCli(['cat', img, `usr/lib/modules/${kver()}/modules.devname`]);
      const lines = runCli(['cat', img, 'usr/lib/tmpfiles.d/mkinitramfs-ts-static-nodes.conf']);
      expect(devname).toMatch(/^dm_mod mapper\/control c10:236$/m);
      expect(lines).toMatch(/^d \/dev\/mapper 0755 - - -\nc! \/dev\/mapper\/control 0600 - - - 10:236$/m);
      expect(lines.split('\n').filter((l) => l.startsWith('c!')).length).toBe(devname.split('\n').filter((l) => /^\S+ \S+ c\d/.test(l)).length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The coldplug drop-in's udevadm line, run by the sysroot's own udevadm (--dry-run) on this
  // machine's /sys against systemd's line: the same devices but the consoles, memory blocks and CPUs.
  it("the image's coldplug skips consoles, memory blocks and CPUs, and nothing else (systemd 252 and 257, dry run on this machine's /sys)", () => {
    const trixie = trixieKernel();
    for (const [sysroot, kernelVersion] of [[buildSysroot(), kver()], [trixie.sysroot, trixie.kver]] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'mkits-sd-trigger-'));
      try {
        const img = join(dir, 'i.img');
        runCli(['build', '--sysroot', sysroot, '--kver', kernelVersion, '-N', '--add', 'systemd-initrd', '-o', img, '-q']);
        const dropIn = runCli(['cat', img, 'usr/lib/systemd/system/systemd-udev-trigger.service.d/mkinitramfs-ts-coldplug.conf']);
        const systemds = readFileSync(join(sysroot, 'usr/lib/systemd/system/systemd-udev-trigger.service'), 'utf8');
        const triggered = (unitText: string): string[] => {
          const args = [...unitText.matchAll(/^ExecStart=-udevadm (.+)$/gm)].at(-1)?.[1]?.split(' ') ?? [];
          expect(args[0]).toBe('trigger');
          const out = execFileSync(join(sysroot, 'lib64/ld-linux-x86-64.so.2'), [
            '--library-path', `${join(sysroot, 'usr/lib/x86_64-linux-gnu')}:${join(sysroot, 'usr/lib/x86_64-linux-gnu/systemd')}`,
            join(sysroot, 'usr/bin/udevadm'), ...args, '--dry-run', '--verbose',
          ], { encoding: 'utf8' });
          return out.split('\n').filter((l) => l !== '').sort();
        };
        // a device of those subsystems (the subsystem's own entry, /sys/bus/memory, is still triggered)
        const skipped = (syspath: string): boolean => {
          const link = join(syspath, 'subsystem');
          return syspath.startsWith('/sys/devices/') && existsSync(link) && ['tty', 'vc', 'memory', 'cpu'].includes(basename(readlinkSync(link)));
        };
        const all = triggered(systemds);
        const ours = triggered(dropIn);
        expect(all.filter(skipped).length).toBeGreaterThan(0); // this machine has consoles
        expect(ours).toEqual(all.filter((p) => !skipped(p)));
        expect(ours.some((p) => p.includes('/block/')) && ours.some((p) => p.startsWith('/sys/devices/pci'))).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('--add systemd-hwdb brings udev\'s hwdb.bin, with the feature as its reason, and systemd-initrd with it', () => {
    const hw = plan(buildSysroot(), kver(), ['--add', 'systemd-hwdb']);
    expect(hw.get('/init')).toMatchObject({ type: 'symlink', target: 'usr/lib/systemd/systemd' });
    expect(hw.get('/usr/lib/udev/hwdb.bin')?.reasons[0]?.why).toMatch(/systemd-hwdb/);
  });

  it('config add = ["systemd-initrd"] does the same as --add', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-conf-'));
    try {
      const conf = join(dir, 'mkinitramfs-ts.conf');
      writeFileSync(conf, 'add = ["systemd-initrd"]\n');
      const sd = plan(buildSysroot(), kver(), ['--conf', conf]);
      expect(sd.get('/init')).toMatchObject({ type: 'symlink', target: 'usr/lib/systemd/systemd' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Debian 13 (systemd 257): libkmod, which systemd only dlopen()s, is in; the suggested TPM libraries are not", () => {
    const k = trixieKernel();
    const sd = plan(k.sysroot, k.kver, ['--add', 'systemd-initrd']);
    const kmod = [...sd.values()].find((e) => e.type === 'file' && /\/libkmod\.so\.2[.\d]*$/.test(e.path));
    expect(kmod?.reasons.map((r) => r.why).join('\n')).toMatch(/may dlopen \(kmod, recommended\)/);
    expect([...sd.keys()].some((p) => p.includes('libtss2-esys'))).toBe(false);
    expect(sd.has('/usr/lib/systemd/systemd-executor')).toBe(true);
  });
});
