// The directory `extract` writes into must be one nobody else can change while we write: either we
// create it, or it already exists, empty, owned by the caller and writable by nobody else. Every
// directory above it must belong to root or the caller and be writable by nobody else (or carry the
// sticky bit, like /tmp, where others cannot rename what is not theirs): otherwise its owner could move
// the target away mid-extract and put a symlink to /etc in its place.
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsError, OutputError } from '../errors.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
const S_ISVTX = 0o1000;
const WRITABLE_BY_OTHERS = 0o022;

/**
 * Creates the target `dir` (an absolute path), or checks that the existing one is safe; returns its
 * path with every symlink above it resolved, which is what the extract then writes under.
 */
export function prepareTarget(dir: string): string {
  const caller = process.getuid?.() ?? -1;
  const parent = _realParent(dir);
  _checkAncestors(dir, parent, caller);
  const target = join(parent, basename(dir));
  try {
    fs.mkdirSync(target, { mode: 0o755 });
    return target;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(err, dir, 'create');
  }
  _checkExisting(dir, target, caller);
  return target;
}

/** The parent of `dir`, created when missing (what we create is ours), symlinks resolved. */
function _realParent(dir: string): string {
  try {
    fs.mkdirSync(dirname(dir), { recursive: true, mode: 0o755 });
    return fs.realpathSync(dirname(dir));
  } catch (err) {
    throw fsError(err, dirname(dir), 'create');
  }
}

function _checkAncestors(dir: string, parent: string, caller: number): void {
  for (let d = parent; ; d = dirname(d)) {
    const st = fs.statSync(d); // a real path: no symlink left in it
    const why =
      st.uid !== 0 && st.uid !== caller
        ? `is owned by uid ${st.uid}`
        : (st.mode & WRITABLE_BY_OTHERS) !== 0 && (st.mode & S_ISVTX) === 0
          ? `is writable by others (mode ${_octal(st.mode)}) without the sticky bit`
          : undefined;
    if (why !== undefined)
      throw new OutputError(`${dir}: the directory above it, ${d}, ${why}, so someone else could swap the target mid-extract: extract under a directory only you or root can change (nothing was written)`, dir);
    if (d === '/') return;
  }
}

/** An existing target: a real directory (not a symlink), the caller's, writable by nobody else, empty. */
function _checkExisting(dir: string, target: string, caller: number): void {
  let st: fs.Stats;
  let entries: string[];
  try {
    const fd = fs.openSync(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    try {
      st = fs.fstatSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    entries = fs.readdirSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'ENOTDIR') throw fsError(err, dir);
    if (fs.lstatSync(target).isSymbolicLink()) // O_DIRECTORY|O_NOFOLLOW on a symlink: ENOTDIR or ELOOP
      throw new OutputError(`${dir} is a symlink: extract into a new directory, which is created for you (nothing was written)`, dir);
    throw new OutputError(`${dir} exists and is not a directory: extract into a new directory (nothing was written)`, dir);
  }
  if (st.uid !== caller)
    throw new OutputError(`${dir} belongs to uid ${st.uid}, not to you (uid ${caller}): extract into a new directory, which is created for you (nothing was written)`, dir);
  if ((st.mode & WRITABLE_BY_OTHERS) !== 0)
    throw new OutputError(`${dir} is writable by others (mode ${_octal(st.mode)}): run chmod go-w on it or extract into a new directory (nothing was written)`, dir);
  if (entries.length > 0)
    throw new OutputError(`${dir} is not empty: extract into a new or empty directory (nothing was written)`, dir);
}

function _octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
