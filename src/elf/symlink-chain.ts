// Walk an in-root path component by component and record every symlink on the way — the file's own
// links and directory links such as merged-/usr's `/lib -> usr/lib` — so that an image can recreate
// the exact chain. Each hop's path has its parent already resolved, so it names a real directory.
import { MkError, NotFoundError, ExitCode } from '../errors.js';
import type { Host } from '../host/host.js';
import { walkInRoot } from '../host/in-root-path.js';

export interface SymlinkHop {
  /** In-root path of the link; its parent directory contains no symlink. */
  path: string;
  /** The link text as stored. */
  target: string;
}

export interface SymlinkChain {
  hops: SymlinkHop[];
  /** The final in-root path, free of symlinks. */
  finalPath: string;
}

/** The chain to an existing path; throws NotFoundError when it (or a link target) is missing. */
export function symlinkChain(host: Host, path: string): SymlinkChain {
  const hops: SymlinkHop[] = [];
  const finalPath = walkInRoot(path, (next) => {
    const st = host.lstat(next);
    if (!st) throw new NotFoundError(`${path}: ${next} does not exist in ${host.root}`, path);
    if (!st.isSymbolicLink()) return 'dir';
    const target = host.readlink(next);
    hops.push({ path: next, target });
    return { link: target };
  });
  if (finalPath === undefined) throw new MkError(`${path}: too many levels of symbolic links`, ExitCode.unreadable, path);
  return { hops, finalPath };
}
