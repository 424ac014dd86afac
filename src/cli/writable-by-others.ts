// Whether someone other than root could change what a path runs: the file, and every directory above
// it (whoever can write a directory can replace what is in it). A directory with the sticky bit (/tmp)
// is fine: others cannot rename or remove what they do not own, and its entries are checked in turn.
// Group write counts only for a group other than root's. ACLs are not read.
import { lstatSync, realpathSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

export interface WritablePath {
  /** The file or directory someone else can write. */
  path: string;
  /** "owned by uid 1000", "world-writable", "writable by group 50". */
  why: string;
}

/**
 * The first path, from `path` up to /, that a non-root user can write; undefined when none. A missing
 * path is judged by the nearest directory that exists (whoever can write it can create the rest). Both
 * the path as written and the one its symlinks lead to are checked.
 */
export function writableByOthers(path: string): WritablePath | undefined {
  const chains = [_chain(path)];
  const real = _realpath(path);
  if (real !== undefined && real !== path) chains.push(_chain(real));
  for (const chain of chains)
    for (const p of chain) {
      const st = _lstat(p);
      if (st === undefined || st.isSymbolicLink()) continue; // a link cannot be changed, only replaced in its directory
      const why = _why(st);
      if (why !== undefined) return { path: p, why };
    }
  return undefined;
}

function _why(st: Stats): string | undefined {
  if (st.uid !== 0) return `owned by uid ${st.uid}`;
  const sticky = st.isDirectory() && (st.mode & 0o1000) !== 0;
  if (sticky) return undefined;
  if (st.mode & 0o002) return 'world-writable';
  if (st.mode & 0o020 && st.gid !== 0) return `writable by group ${st.gid}`;
  return undefined;
}

/** The path and each directory above it, up to /. */
function _chain(path: string): string[] {
  const out = [path];
  for (let p = path; dirname(p) !== p; p = dirname(p)) out.push(dirname(p));
  return out;
}

function _lstat(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function _realpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
