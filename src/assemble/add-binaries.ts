// Binaries, their interpreters and libraries, and busybox applet links, as plan entries.
import { NotBootableError } from '../errors.js';
import { findExecutable, resolveFiles, type ResolveOptions } from '../elf/library-resolver.js';
import type { Host } from '../host/host.js';
import type { PlanBuilder } from './plan-builder.js';
import { canonicalImagePath, MERGED_USR } from './image-layout.js';
import { readBusyboxApplets } from './busybox-applets.js';
import { relocateSymlink } from './relocate.js';

/** Applets that live in sbin on every distribution (the kernel runs /sbin/modprobe). */
const SBIN_APPLETS = new Set(['modprobe', 'insmod', 'rmmod', 'lsmod', 'modinfo', 'switch_root', 'blkid', 'findfs', 'poweroff', 'reboot', 'mknod', 'fsck']);

/**
 * Add sysroot files (ELF binaries with everything they need, scripts with their interpreter, plain
 * files as they are). Returns the in-root path of each file added, by requested name.
 */
export function addSysrootFiles(host: Host, plan: PlanBuilder, paths: string[], why: string, opts: ResolveOptions = {}): void {
  for (const f of resolveFiles(host, paths, opts)) {
    if (f.kind === 'symlink') {
      if (f.path in MERGED_USR) continue; // the image's own /lib -> usr/lib etc. stand
      const link = relocateSymlink(f.path, f.linkTarget ?? '');
      plan.add({ type: 'symlink', path: link.path, target: link.target, reasons: [{ why: `${f.reason} (${why})`, via: f.via }] });
    } else {
      const st = host.stat(f.path);
      plan.add({
        type: 'file',
        path: canonicalImagePath(f.path),
        mode: (st?.mode ?? 0o755) & 0o7777,
        source: host.diskPath(f.path),
        reasons: [{ why: `${f.reason} (${why})`, via: f.via }],
      });
    }
  }
}

/** Resolve binary names ("busybox", "e2fsck?") in the sysroot; "?" marks optional ones. */
export function findBinaries(host: Host, names: string[], owner: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const raw of names) {
    const optional = raw.endsWith('?');
    const name = optional ? raw.slice(0, -1) : raw;
    const path = name.startsWith('/') ? (host.exists(name) ? name : undefined) : findExecutable(host, name);
    if (path) found.set(name, path);
    else if (!optional)
      throw new NotBootableError(`${owner} needs '${name}', which is not in ${host.root} (install it there, or --omit the feature)`);
  }
  return found;
}

/**
 * Links for the applets /init uses ("name", or "name?" when a missing one is fine). A real binary of
 * the same name in the image wins; a required applet that neither busybox nor the image provides is
 * an error now rather than a failed boot.
 */
export function addBusyboxApplets(host: Host, plan: PlanBuilder, busyboxPath: string, applets: string[], why: string): void {
  const target = canonicalImagePath(busyboxPath);
  const provided = readBusyboxApplets(host.readFile(busyboxPath));
  const wanted = new Map<string, boolean>();
  for (const raw of applets) {
    const optional = raw.endsWith('?');
    const name = optional ? raw.slice(0, -1) : raw;
    wanted.set(name, (wanted.get(name) ?? false) || !optional);
  }
  for (const [applet, required] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = `/usr/${SBIN_APPLETS.has(applet) ? 'sbin' : 'bin'}/${applet}`;
    const other = `/usr/${SBIN_APPLETS.has(applet) ? 'bin' : 'sbin'}/${applet}`;
    if (path === target || plan.has(path) || plan.has(other)) continue; // a real binary of that name wins
    if (provided && !provided.has(applet)) {
      if (required)
        throw new NotBootableError(`${busyboxPath} in ${host.root} has no '${applet}' applet, which /init needs (${why}): use a fuller busybox or add a feature that installs ${applet}`);
      continue;
    }
    plan.add({ type: 'symlink', path, target, reasons: [{ why: `busybox applet (${why})`, via: busyboxPath }] });
  }
}
