// Symlinks copied from the sysroot keep pointing at the same file after the image layout moved
// their paths (merged /usr): the target is resolved where the link was, then re-expressed.
import { posix } from 'node:path';
import { symlinkTarget } from '../host/in-root-path.js';
import { canonicalImagePath } from './image-layout.js';

export function relocateSymlink(origPath: string, target: string): { path: string; target: string } {
  const path = canonicalImagePath(origPath);
  const dest = canonicalImagePath(symlinkTarget(origPath, target));
  if (target.startsWith('/')) return { path, target: dest };
  const rel = posix.relative(posix.dirname(path), dest);
  return { path, target: rel === '' ? '.' : rel };
}
