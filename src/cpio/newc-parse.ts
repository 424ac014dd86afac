// Parses uncompressed newc/crc cpio data the way the kernel's unpacker walks it, but strictly: every
// malformed byte is a BadImageError naming where it is.
import { BadImageError } from '../errors.js';
import {
  CRC_MAGIC,
  HEADER_FIELDS,
  HEADER_SIZE,
  NEWC_MAGIC,
  S_IFMT,
  S_IFREG,
  TRAILER_NAME,
  fileTypeOf,
  padTo4,
  type HeaderField,
  type NewcFileType,
} from './newc-format.js';

export interface CpioEntry {
  /** The name as stored, without a leading "/" ("." for the root). */
  path: string;
  type: NewcFileType;
  /** File type bits and permission bits. */
  mode: number;
  ino: number;
  nlink: number;
  uid: number;
  gid: number;
  mtime: number;
  /** c_filesize: bytes stored for this name (0 for all but one name of a hard-link group). */
  size: number;
  devmajor: number;
  devminor: number;
  rdevmajor: number;
  rdevminor: number;
  /** The stored bytes: file contents or symlink target. */
  data: Buffer;
  /** A symlink's target. */
  target?: string;
  /** For the second and later names of a hard-link group: the first name of the group. */
  hardlinkOf?: string;
  /** Offset of the header within the data that was parsed. */
  offset: number;
}

export interface ParsedArchive {
  entries: CpioEntry[];
  /** Offset just past the archive (after the trailer and its padding). */
  end: number;
  /** False when the data ended cleanly after an entry without a TRAILER!!! record. */
  hasTrailer: boolean;
}

/**
 * Parses one archive starting at `start` up to and including its trailer. `where` prefixes every
 * error ("/boot/initrd.img: zstd segment at offset 1024") and `offsetBase` is added to the offsets
 * it reports.
 */
export function parseNewcArchive(buf: Buffer, start: number, where: string, offsetBase = 0): ParsedArchive {
  const entries: CpioEntry[] = [];
  const firstNameOf = new Map<string, string>();
  let pos = start;
  while (pos < buf.length) {
    const at = (o: number): string => `${where}: offset ${offsetBase + o}`;
    if (buf.length - pos < HEADER_SIZE) throw new BadImageError(`${at(pos)}: truncated cpio header`);
    const magic = buf.toString('latin1', pos, pos + 6);
    if (magic !== NEWC_MAGIC && magic !== CRC_MAGIC)
      throw new BadImageError(`${at(pos)}: not a newc cpio header (magic ${JSON.stringify(magic)})`);
    const h = _parseHeader(buf, pos, at(pos));
    const nameStart = pos + HEADER_SIZE;
    const dataStart = nameStart + h.namesize + padTo4(HEADER_SIZE + h.namesize);
    if (h.namesize === 0 || nameStart + h.namesize > buf.length)
      throw new BadImageError(`${at(pos)}: truncated or empty cpio name`);
    if (buf[nameStart + h.namesize - 1] !== 0) throw new BadImageError(`${at(pos)}: cpio name is not NUL-terminated`);
    const path = buf.toString('utf8', nameStart, nameStart + h.namesize - 1);
    const next = dataStart + h.filesize + padTo4(h.filesize);
    if (path === TRAILER_NAME) return { entries, end: Math.min(next, buf.length), hasTrailer: true };
    if (dataStart + h.filesize > buf.length) throw new BadImageError(`${at(pos)}: ${path}: truncated file data`);
    const type = fileTypeOf(h.mode);
    if (type === undefined) throw new BadImageError(`${at(pos)}: ${path}: unknown file type in mode ${h.mode.toString(8)}`);
    const data = buf.subarray(dataStart, dataStart + h.filesize);
    if (magic === CRC_MAGIC && type === 'file' && _byteSum(data) !== h.check)
      throw new BadImageError(`${at(pos)}: ${path}: checksum mismatch`);
    const entry: CpioEntry = {
      path,
      type,
      mode: h.mode,
      ino: h.ino,
      nlink: h.nlink,
      uid: h.uid,
      gid: h.gid,
      mtime: h.mtime,
      size: h.filesize,
      devmajor: h.devmajor,
      devminor: h.devminor,
      rdevmajor: h.rdevmajor,
      rdevminor: h.rdevminor,
      data,
      offset: offsetBase + pos,
    };
    if (type === 'symlink') entry.target = data.toString('utf8');
    // The kernel links names of one file by (dev, ino, type) while nlink >= 2, until the trailer.
    if ((h.mode & S_IFMT) === S_IFREG && h.nlink >= 2) {
      const key = `${h.devmajor}:${h.devminor}:${h.ino}`;
      const first = firstNameOf.get(key);
      if (first === undefined) firstNameOf.set(key, path);
      else entry.hardlinkOf = first;
    }
    entries.push(entry);
    pos = next;
  }
  if (pos > buf.length) throw new BadImageError(`${where}: offset ${offsetBase + buf.length}: truncated file padding`);
  return { entries, end: pos, hasTrailer: false };
}

function _parseHeader(buf: Buffer, pos: number, where: string): Record<HeaderField, number> {
  const out = {} as Record<HeaderField, number>;
  HEADER_FIELDS.forEach((field, i) => {
    const text = buf.toString('latin1', pos + 6 + i * 8, pos + 14 + i * 8);
    if (!/^[0-9A-Fa-f]{8}$/.test(text))
      throw new BadImageError(`${where}: cpio header field ${field} is not hex (${JSON.stringify(text)})`);
    out[field] = Number.parseInt(text, 16);
  });
  return out;
}

function _byteSum(data: Buffer): number {
  let sum = 0;
  for (const byte of data) sum = (sum + byte) >>> 0;
  return sum;
}
