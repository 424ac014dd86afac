// Our own newc ("070701") writer. It only serialises records; choosing inode numbers, link counts and
// which hard link carries the data is the caller's job (see pack/pack-plan.ts). The archive is one
// buffer, and file contents are read straight into it: an image is mostly file data, and every
// extra copy of megabytes costs milliseconds (fresh memory is slow to touch in a VM).
import { NotBootableError, OutputError } from '../errors.js';
import {
  FIELD_MAX,
  HEADER_SIZE,
  NAME_MAX,
  NEWC_MAGIC,
  PATH_MAX,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  TRAILER_NAME,
  padTo4,
} from './newc-format.js';

export interface NewcRecord {
  /** Path inside the archive, without a leading "/" ("usr/bin/x"); "." is the root directory. */
  name: string;
  /** File type bits and permission bits. */
  mode: number;
  ino: number;
  nlink: number;
  mtime: number;
  /** Contents of a regular file, or the target of a symlink. Nothing for other types. */
  data?: Buffer | FileData;
  rdevmajor?: number;
  rdevminor?: number;
}

interface _HeaderValues {
  ino: number;
  mode: number;
  nlink: number;
  mtime: number;
  filesize: number;
  rdevmajor: number;
  rdevminor: number;
}

/** Contents the writer fetches itself when it lays out the archive (a file on disk). */
export interface FileData {
  readonly size: number;
  /** Fill `target` (exactly `size` bytes) or throw. */
  readInto(target: Buffer): void;
}

const ZEROS = Buffer.alloc(4);

export class NewcWriter {
  private readonly _pieces: (Buffer | FileData)[] = [];
  private _archive: Buffer | undefined;
  private _size = 0;
  private _finished = false;

  /** Bytes written so far (always a multiple of 4). */
  get size(): number {
    return this._size;
  }

  add(record: NewcRecord): void {
    if (this._finished) throw new Error('NewcWriter: add() after finish()');
    const name = _checkedName(record.name);
    const data = record.data ?? Buffer.alloc(0);
    const size = Buffer.isBuffer(data) ? data.length : data.size;
    _checkData(record, size);
    this._emit(record.name, name, {
      ino: record.ino,
      mode: record.mode,
      nlink: record.nlink,
      mtime: record.mtime,
      filesize: size,
      rdevmajor: record.rdevmajor ?? 0,
      rdevminor: record.rdevminor ?? 0,
    });
    this._push(data);
    this._push(ZEROS.subarray(0, padTo4(size)));
  }

  /** Appends the trailer and returns the archive (one buffer, in a list as callers stream parts). */
  finish(): Buffer[] {
    if (this._archive === undefined) {
      this._emit(TRAILER_NAME, Buffer.from(`${TRAILER_NAME}\0`), {
        ino: 0,
        mode: 0,
        nlink: 1,
        mtime: 0,
        filesize: 0,
        rdevmajor: 0,
        rdevminor: 0,
      });
      this._finished = true;
      this._archive = this._layOut();
    }
    return [this._archive];
  }

  private _layOut(): Buffer {
    const archive = Buffer.alloc(this._size);
    let at = 0;
    for (const piece of this._pieces) {
      if (Buffer.isBuffer(piece)) at += piece.copy(archive, at);
      else {
        piece.readInto(archive.subarray(at, at + piece.size));
        at += piece.size;
      }
    }
    this._pieces.length = 0;
    return archive;
  }

  private _emit(label: string, nameWithNul: Buffer, f: _HeaderValues): void {
    const fields = [
      f.ino,
      f.mode,
      0, // uid: everything in the image belongs to root
      0, // gid
      f.nlink,
      f.mtime,
      f.filesize,
      0, // devmajor
      0, // devminor
      f.rdevmajor,
      f.rdevminor,
      nameWithNul.length,
      0, // check: unused by newc
    ];
    let header = NEWC_MAGIC;
    for (const value of fields) header += _hex8(value, label);
    const head = Buffer.from(header, 'latin1');
    this._push(head);
    this._push(nameWithNul);
    this._push(ZEROS.subarray(0, padTo4(HEADER_SIZE + nameWithNul.length)));
  }

  private _push(piece: Buffer | FileData): void {
    // an empty file is still read: it must still be empty when laid out
    if (Buffer.isBuffer(piece) && piece.length === 0) return;
    this._pieces.push(piece);
    this._size += Buffer.isBuffer(piece) ? piece.length : piece.size;
  }
}

function _hex8(value: number, label: string): string {
  if (!Number.isInteger(value) || value < 0 || value > FIELD_MAX)
    throw new OutputError(`${label}: value ${value} does not fit a newc header field (0..${FIELD_MAX})`);
  return value.toString(16).toUpperCase().padStart(8, '0');
}

function _checkedName(name: string): Buffer {
  if (name === '' || name.startsWith('/') || name.includes('\0'))
    throw new NotBootableError(`invalid archive path ${JSON.stringify(name)}: must be relative and non-empty`);
  const bytes = Buffer.from(`${name}\0`, 'utf8');
  if (bytes.length > PATH_MAX)
    throw new NotBootableError(
      `/${name}: path is ${bytes.length - 1} bytes, the kernel skips paths of ${PATH_MAX} bytes or more: shorten it`,
    );
  for (const component of name.split('/'))
    if (Buffer.byteLength(component, 'utf8') > NAME_MAX)
      throw new NotBootableError(`/${name}: a path component is longer than ${NAME_MAX} bytes: shorten it`);
  return bytes;
}

function _checkData(record: NewcRecord, size: number): void {
  const type = record.mode & S_IFMT;
  if (type === 0) throw new Error(`NewcWriter: ${record.name}: mode ${record.mode.toString(8)} has no file type`);
  if (type === S_IFLNK && size === 0) throw new NotBootableError(`/${record.name}: symlink with an empty target`);
  if (type !== S_IFREG && type !== S_IFLNK && size > 0)
    throw new Error(`NewcWriter: ${record.name}: only files and symlinks carry data`);
  if (size > FIELD_MAX)
    throw new OutputError(`/${record.name}: ${size} bytes is too large for a newc archive (limit 4 GiB - 1)`);
}
