// Pure path helpers for in-root paths: normalise, join, and re-root a symlink target so that "..",
// absolute targets and loops can never lead outside the sysroot.
import { posix } from 'node:path';

export function normalizeInRoot(p: string): string {
  const n = posix.normalize('/' + p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** Where a symlink at `linkPath` with target `target` points, as an in-root path. */
export function symlinkTarget(linkPath: string, target: string): string {
  if (target.startsWith('/')) return normalizeInRoot(target);
  return normalizeInRoot(posix.join(posix.dirname(linkPath), target));
}

export function splitInRoot(p: string): string[] {
  return normalizeInRoot(p).split('/').filter((c) => c.length > 0);
}
