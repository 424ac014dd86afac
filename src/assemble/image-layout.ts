// The image's fixed layout: merged /usr (so libraries and binaries from merged and split sysroots
// land in one place), API mount points, and the two device nodes the kernel needs before devtmpfs.
import type { PlanBuilder } from './plan-builder.js';

/** Top-level directories that are symlinks into /usr in every image. */
export const MERGED_USR: Record<string, string> = { '/bin': 'usr/bin', '/sbin': 'usr/sbin', '/lib': 'usr/lib', '/lib64': 'usr/lib64' };

/** /bin/x -> /usr/bin/x and so on; other paths unchanged. */
export function canonicalImagePath(path: string): string {
  for (const top of Object.keys(MERGED_USR)) {
    if (path.startsWith(top + '/')) return `/${MERGED_USR[top]}${path.slice(top.length)}`;
  }
  return path;
}

export function addSkeleton(plan: PlanBuilder): void {
  const why = { why: 'image skeleton' };
  for (const d of ['/dev', '/proc', '/sys', '/run', '/sysroot', '/tmp', '/root', '/etc', '/usr/bin', '/usr/sbin', '/usr/lib', '/usr/lib64', '/var'])
    plan.add({ type: 'dir', path: d, mode: d === '/tmp' ? 0o1777 : d === '/root' ? 0o700 : 0o755, reasons: [why] });
  for (const [path, target] of Object.entries(MERGED_USR)) plan.add({ type: 'symlink', path, target, reasons: [why] });
  plan.add({ type: 'symlink', path: '/var/run', target: '../run', reasons: [why] });
  // The kernel opens /dev/console for /init before /init can mount devtmpfs.
  plan.add({ type: 'chardev', path: '/dev/console', mode: 0o600, major: 5, minor: 1, reasons: [why] });
  plan.add({ type: 'chardev', path: '/dev/null', mode: 0o666, major: 1, minor: 3, reasons: [why] });
}
