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

/** What a walk step says about one component: descend into it, splice in a symlink's target, or stop. */
export type WalkStep = { link: string } | 'dir' | 'stop';

const MAX_SYMLINKS = 40; // as the kernel's ELOOP limit

/**
 * Walk an in-root path component by component as the kernel does, chroot-style: `..` stops at the
 * root and a symlink's target (absolute ones re-rooted) is spliced in where the link was. `step`
 * looks at each component (its parent already free of links; `isLast` when nothing follows it) and
 * says whether it is a link. Returns the final path, or undefined when a step stopped the walk or
 * after MAX_SYMLINKS links (a loop).
 */
export function walkInRoot(path: string, step: (next: string, isLast: boolean) => WalkStep): string | undefined {
  let pending = splitInRoot(path);
  let done = '';
  let links = 0;
  while (pending.length > 0) {
    const comp = pending.shift() as string;
    if (comp === '.') continue;
    if (comp === '..') {
      done = done.slice(0, Math.max(0, done.lastIndexOf('/')));
      continue;
    }
    const next = `${done}/${comp}`;
    const what = step(next, pending.length === 0);
    if (what === 'stop') return undefined;
    if (what === 'dir') {
      done = next;
      continue;
    }
    if (++links > MAX_SYMLINKS) return undefined;
    pending = [...splitInRoot(symlinkTarget(next, what.link)), ...pending];
    done = '';
  }
  return done === '' ? '/' : done;
}
