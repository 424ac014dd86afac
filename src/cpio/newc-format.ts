// Constants of the "newc" cpio format as the kernel's initramfs unpacker reads it: a 110-byte ASCII
// header of 13 eight-digit hex fields after the 6-byte magic, the NUL-terminated name padded so that
// header + name is a multiple of 4, then the data padded to 4.

export const NEWC_MAGIC = '070701';
/** The "crc" variant: same layout, c_check holds a byte sum. The kernel accepts both. */
export const CRC_MAGIC = '070702';
export const HEADER_SIZE = 110;
export const TRAILER_NAME = 'TRAILER!!!';

/** The kernel silently skips entries whose name (with its NUL) is longer than PATH_MAX. */
export const PATH_MAX = 4096;
/** No path component may be longer than this (mkdir/open fail with ENAMETOOLONG). */
export const NAME_MAX = 255;
/** Every numeric field is 8 hex digits. */
export const FIELD_MAX = 0xffffffff;

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

export type NewcFileType = 'file' | 'dir' | 'symlink' | 'chardev' | 'blockdev' | 'fifo' | 'socket';

const TYPE_BITS: Record<NewcFileType, number> = {
  file: S_IFREG,
  dir: S_IFDIR,
  symlink: S_IFLNK,
  chardev: S_IFCHR,
  blockdev: S_IFBLK,
  fifo: S_IFIFO,
  socket: S_IFSOCK,
};

export function fileTypeOf(mode: number): NewcFileType | undefined {
  const bits = mode & S_IFMT;
  for (const [type, value] of Object.entries(TYPE_BITS)) if (value === bits) return type as NewcFileType;
  return undefined;
}

/** Bytes needed to bring `length` up to a multiple of 4. */
export function padTo4(length: number): number {
  return (4 - (length % 4)) % 4;
}

/** The header fields in on-disk order (after the magic). */
export const HEADER_FIELDS = [
  'ino',
  'mode',
  'uid',
  'gid',
  'nlink',
  'mtime',
  'filesize',
  'devmajor',
  'devminor',
  'rdevmajor',
  'rdevminor',
  'namesize',
  'check',
] as const;
export type HeaderField = (typeof HEADER_FIELDS)[number];
