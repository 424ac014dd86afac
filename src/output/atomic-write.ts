// Writes an image so that the target is at every moment either the old image or the complete new
// one: a private temp file beside it, fsync, optional verification, rename, fsync of the directory.
// A failure at any step removes the temp file and leaves the old image untouched. A symlink at the
// target is replaced, never followed; a folder other users may write to (without sticky bit) is refused.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MkError, OutputError, writeRefusedHint } from '../errors.js';
import { removeOnSignal } from './signal-cleanup.js';

export interface WriteImageOptions {
  /** Replace an existing target. */
  force: boolean;
  /** Runs on the complete, synced temp file before it replaces the target; throwing aborts. */
  verify?: (tempPath: string) => void | Promise<void>;
}

/** The image may hold keys: only root may read it. */
export const IMAGE_MODE = 0o600;

export async function writeImageAtomically(target: string, parts: readonly Buffer[], opts: WriteImageOptions): Promise<void> {
  const dest = _destination(resolve(target));
  if (!opts.force && _present(dest)) throw _exists(target);
  const dir = dirname(dest);
  const dirStat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!dirStat?.isDirectory()) throw new OutputError(`${dir}: no such directory: create it or choose another output path`, dir);
  const shared = _sharedFolder(dir, dirStat);
  if (shared) throw shared;
  removeStaleTemps(dest);
  const temp = join(dir, `.${basename(dest)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const release = removeOnSignal(temp);
  let file: fs.promises.FileHandle | undefined;
  try {
    file = await fs.promises.open(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, IMAGE_MODE);
    await file.chmod(IMAGE_MODE);
    for (const part of parts) for (let done = 0; done < part.length; ) done += (await file.write(part, done, part.length - done)).bytesWritten;
    await file.sync();
    await file.close();
    file = undefined;
    await opts.verify?.(temp);
    // Checked again: the target may have appeared while the image was being written.
    if (!opts.force && _present(dest)) throw _exists(target);
    fs.renameSync(temp, dest);
  } catch (err) {
    if (file !== undefined) await file.close().catch(() => undefined);
    _quietly(() => fs.unlinkSync(temp));
    throw _outputError(err, dest);
  } finally {
    release();
  }
  _syncDir(dir);
}

/**
 * Removes temp images a stopped build left beside `dest` (`.NAME.PID.HEX.tmp`): only those older
 * than this process whose process is gone, so a build still writing keeps its own.
 */
function removeStaleTemps(dest: string, startedMs = Date.now() - process.uptime() * 1000): string[] {
  const dir = dirname(dest);
  const pattern = new RegExp(`^\\.${_escapeRegExp(basename(dest))}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const pid = Number(pattern.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    const path = join(dir, name);
    const st = fs.lstatSync(path, { throwIfNoEntry: false });
    if (!st?.isFile() || st.mtimeMs >= startedMs) continue;
    _quietly(() => fs.unlinkSync(path));
    removed.push(path);
  }
  return removed;
}

/** Whether a process with this id exists (one owned by another user counts). */
export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function _escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The name itself is replaced: a symlink at the target is swapped for the new image, never followed,
 * so a link planted in a shared folder cannot redirect root's write to another file.
 */
function _destination(target: string): string {
  const st = fs.lstatSync(target, { throwIfNoEntry: false });
  if (st?.isDirectory()) throw new OutputError(`${target} is a directory: give the image's file name`, target);
  return target;
}

/**
 * A folder other users may write to (without the sticky bit) lets them swap names under us between
 * the checks and the rename: refuse it.
 */
function _sharedFolder(dir: string, st: fs.Stats): OutputError | undefined {
  if ((st.mode & 0o022) === 0 || (st.mode & 0o1000) !== 0) return undefined; // 0o1000: sticky
  const who = st.mode & 0o002 ? 'all users' : 'its group';
  return new OutputError(`${dir}: folder is writable by ${who}: write the image to a folder only its owner can write to (or chmod go-w / +t it)`, dir);
}

/** Whether the name is taken (a dangling symlink counts). */
function _present(path: string): boolean {
  return fs.lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

function _syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    fs.fsyncSync(fd);
  } catch (err) {
    // Some file systems cannot fsync a directory; the rename itself has already happened.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw _outputError(err, dir);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function _exists(target: string): OutputError {
  return new OutputError(`${target} exists: use --force to overwrite`, target);
}

function _outputError(err: unknown, dest: string): MkError {
  if (err instanceof MkError) return err;
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new OutputError(`${dest}: no space left on device: free some space or choose another output path`, dest);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new OutputError(`${dirname(dest)}: cannot write there, ${writeRefusedHint(e.code)}`, dest);
    default:
      return new OutputError(`${dest}: cannot write the image: ${e.message ?? String(err)}`, dest);
  }
}

function _quietly(action: () => void): void {
  try {
    action();
  } catch {
    // best effort while already failing
  }
}
