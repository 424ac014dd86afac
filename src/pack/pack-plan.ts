// Serialises a Plan into a newc archive, deterministically: entries in the plan's sorted order,
// inode numbers by position, owner 0:0 and one mtime for everything. Hard-linked names share an
// inode and the file's data is stored once, with the last of its names (where GNU cpio and the
// kernel both expect it).
import { type Stats, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { type FileData, NewcWriter, type NewcRecord } from '../cpio/newc-writer.js';
import { FIELD_MAX, S_IFBLK, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG } from '../cpio/newc-format.js';
import { NotBootableError, NotFoundError, UnreadableError, UsageError, fsError } from '../errors.js';
import { fileTypeName } from '../host/file-type.js';
import type { FileEntry, Plan, PlanEntry } from '../assemble/plan.js';

export interface PackOptions {
  /** Seconds since the epoch stamped on every entry (SOURCE_DATE_EPOCH, or 0). */
  mtime: number;
}

/** The plan's main archive as chunks (concatenate, or hand them to compress()). */
export function packPlan(plan: Plan, opts: PackOptions): Buffer[] {
  return packEntries(plan.entries, opts);
}

/** Any sorted entry list (plan.entries, plan.early) as one newc archive with a root "." entry. */
export function packEntries(entries: readonly PlanEntry[], opts: PackOptions): Buffer[] {
  _checkMtime(opts.mtime);
  const rootEntry = entries.find((e) => e.path === '/');
  const body = entries.filter((e) => e.path !== '/');
  if (rootEntry !== undefined && rootEntry.type !== 'dir') throw new NotBootableError(`/ must be a directory, not a ${rootEntry.type}`);
  const inodes = _assignInodes(body);
  const links = _hardlinkGroups(body);
  const writer = new NewcWriter();
  // The root entry sets the mode of the rootfs root, as "find . | cpio -o" archives do.
  writer.add({ name: '.', mode: S_IFDIR | ((rootEntry?.mode ?? 0o755) & 0o7777), ino: 1, nlink: 2, mtime: opts.mtime });
  const emittedDirs = new Set<string>(['/']);
  for (const entry of body) {
    const parent = posix.dirname(entry.path);
    if (!emittedDirs.has(parent))
      throw new NotBootableError(`${entry.path}: its directory ${parent} is not in the image before it (unsorted or incomplete plan)`);
    if (entry.type === 'dir') emittedDirs.add(entry.path);
    writer.add(_record(entry, opts.mtime, inodes, links));
  }
  return writer.finish();
}

interface _LinkGroup {
  file: FileEntry;
  /** Every name of the file, in archive order. */
  names: string[];
}

function _record(entry: PlanEntry, mtime: number, inodes: Map<string, number>, links: Map<string, _LinkGroup>): NewcRecord {
  const name = entry.path.slice(1);
  const ino = inodes.get(entry.path) as number;
  switch (entry.type) {
    case 'dir':
      return { name, mode: S_IFDIR | (entry.mode & 0o7777), ino, nlink: 2, mtime };
    case 'symlink':
      return { name, mode: S_IFLNK | 0o777, ino, nlink: 1, mtime, data: Buffer.from(entry.target, 'utf8') };
    case 'chardev':
    case 'blockdev': {
      const type = entry.type === 'chardev' ? S_IFCHR : S_IFBLK;
      return { name, mode: type | (entry.mode & 0o7777), ino, nlink: 1, mtime, rdevmajor: entry.major, rdevminor: entry.minor };
    }
    case 'file':
    case 'hardlink': {
      const group = links.get(entry.type === 'file' ? entry.path : entry.target);
      const file = group?.file ?? (entry as FileEntry);
      const names = group?.names ?? [entry.path];
      const isLast = names[names.length - 1] === entry.path;
      const data = isLast ? _contents(file) : undefined;
      return { name, mode: S_IFREG | (file.mode & 0o7777), ino, nlink: names.length, mtime, data };
    }
  }
}

/** 1 is the root; then by position, with every name of a hard-linked file on its file's inode. */
function _assignInodes(entries: readonly PlanEntry[]): Map<string, number> {
  const inodes = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (entry.type !== 'hardlink') inodes.set(entry.path, i + 2);
  });
  for (const entry of entries) if (entry.type === 'hardlink') inodes.set(entry.path, inodes.get(entry.target) as number);
  return inodes;
}

function _hardlinkGroups(entries: readonly PlanEntry[]): Map<string, _LinkGroup> {
  const files = new Map<string, FileEntry>();
  for (const entry of entries) if (entry.type === 'file') files.set(entry.path, entry);
  const groups = new Map<string, _LinkGroup>();
  for (const entry of entries) {
    if (entry.type !== 'hardlink') continue;
    const file = files.get(entry.target);
    if (file === undefined)
      throw new NotBootableError(`${entry.path}: hard link to ${entry.target}, which is not a regular file in the image`);
    if (!groups.has(file.path)) groups.set(file.path, { file, names: [] });
  }
  for (const entry of entries) {
    const key = entry.type === 'file' ? entry.path : entry.type === 'hardlink' ? entry.target : undefined;
    if (key !== undefined) groups.get(key)?.names.push(entry.path);
  }
  return groups;
}

function _contents(file: FileEntry): Buffer | FileData {
  if (file.content !== undefined && file.source !== undefined)
    throw new NotBootableError(`${file.path}: file entry has both a source and inline content`);
  if (file.content !== undefined) return Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, 'utf8');
  if (file.source === undefined) throw new NotBootableError(`${file.path}: file entry has neither a source nor content`);
  return _sourceFile(file.source, file.path);
}

/** A file the writer reads straight into the archive; its size now, its bytes when laid out. */
function _sourceFile(source: string, path: string): FileData {
  const vanished = (err: unknown): Error => {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      return new NotFoundError(`${source}: vanished while building the image (it provides ${path}): run again`, source);
    return fsError(err, source);
  };
  let st: Stats;
  try {
    st = statSync(source);
  } catch (err) {
    throw vanished(err);
  }
  // opening a FIFO to read would wait for a writer for ever; a directory has no bytes to store
  if (!st.isFile()) throw new UnreadableError(`${source}: is ${fileTypeName(st)}, not a regular file (it provides ${path}): put the file back or leave it out of the image`, source);
  const size = st.size;
  return {
    size,
    readInto(target: Buffer): void {
      let fd: number | undefined;
      try {
        // non-blocking: a FIFO put there since the stat reads as empty ("changed") instead of blocking
        fd = openSync(source, constants.O_RDONLY | constants.O_NONBLOCK);
        let done = 0;
        while (done < size) {
          const n = readSync(fd, target, done, size - done, null);
          if (n === 0) break;
          done += n;
        }
        // one byte more must be the end: a file that grew or shrank is not what was sized
        if (done !== size || readSync(fd, Buffer.alloc(1), 0, 1, null) !== 0)
          throw new NotFoundError(`${source}: changed while building the image (it provides ${path}): run again`, source);
      } catch (err) {
        throw err instanceof NotFoundError ? err : vanished(err);
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}

function _checkMtime(mtime: number): void {
  if (!Number.isInteger(mtime) || mtime < 0 || mtime > FIELD_MAX)
    throw new UsageError(`mtime ${mtime} does not fit a cpio header (0..${FIELD_MAX}): fix SOURCE_DATE_EPOCH`);
}
