// Reads a whole initramfs image the way the kernel unpacks it: a run of uncompressed cpio archives,
// compressed segments (each holding cpio archives) and NUL padding between them, e.g. the early
// microcode cpio followed by the zstd-compressed main archive.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { decompressSegment } from '../compress/decompress.js';
import { decompressLimit, overLimitMessage } from '../compress/decompress-limit.js';
import { type SegmentCompression, detectCompression } from '../compress/detect-compression.js';
import { BadImageError, DecompressLimitError, fsError } from '../errors.js';
import { looksLikePe, ukiInitrd } from '../uki/uki-sections.js';
import { type CpioEntry, parseNewcArchive } from './newc-parse.js';

export type { CpioEntry } from './newc-parse.js';

export interface ImageSegment {
  /** Offset of the segment in the image. */
  offset: number;
  /** Offset just past it. */
  end: number;
  compression: SegmentCompression | 'none';
  /** How many cpio archives (TRAILER!!! records) it holds. */
  archives: number;
  entries: CpioEntry[];
}

const ASCII_ZERO = 0x30; // every newc header starts with "0707"

/** `maxDecompressed`: what all its segments may decompress to together (default: see decompress-limit.ts). */
export async function readImageFile(path: string, maxDecompressed?: number): Promise<ImageSegment[]> {
  return readImageBytes(readRegularFile(path), path, maxDecompressed);
}

/** The segments of an image file already read (`verify` reads a file once and checks those bytes). */
export async function readImageBytes(file: Buffer, path: string, maxDecompressed?: number): Promise<ImageSegment[]> {
  // a Unified Kernel Image: its .initrd section is the image
  const image = looksLikePe(file) ? ukiInitrd(file, path) : file;
  const segments = await readImage(image, path, maxDecompressed);
  if (segments.length === 0)
    throw new BadImageError(`${path}: ${image.length === 0 ? 'empty' : 'only NUL bytes'}: not an initramfs image`, path);
  return segments;
}

/**
 * The bytes of `path`, refused before any is read unless it is a regular file: /dev/zero would never
 * end and a FIFO would hang (it is opened non-blocking, so the open itself cannot wait for a writer).
 */
export function readRegularFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw fsError(err, path);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new BadImageError(`${path}: not a regular file (${_kindOf(st)}): not an initramfs image; give the image file`, path);
    return readFileSync(fd);
  } catch (err) {
    if (err instanceof BadImageError) throw err;
    throw fsError(err, path);
  } finally {
    closeSync(fd);
  }
}

function _kindOf(st: { isDirectory(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean }): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  return 'a socket';
}

/**
 * `name` is how errors refer to the image (usually its path). Its compressed segments may decompress
 * to `maxDecompressed` bytes in all, by default a bound derived from the image's size.
 */
export async function readImage(image: Buffer, name: string, maxDecompressed?: number): Promise<ImageSegment[]> {
  const limit = decompressLimit(image.length, maxDecompressed);
  let decompressed = 0;
  const segments: ImageSegment[] = [];
  let pos = 0;
  while (pos < image.length) {
    if (image[pos] === 0) {
      pos++;
      continue;
    }
    if (image[pos] === ASCII_ZERO && pos % 4 === 0) {
      const archive = parseNewcArchive(image, pos, name);
      segments.push({ offset: pos, end: archive.end, compression: 'none', archives: 1, entries: archive.entries });
      pos = archive.end;
      continue;
    }
    const format = detectCompression(image, pos);
    if (format === undefined)
      throw new BadImageError(
        `${name}: offset ${pos}: neither a cpio archive, NUL padding nor compressed data: not an initramfs image or corrupt`,
        name,
      );
    const where = `${name} (${format} segment at offset ${pos}, decompressed)`;
    const segment = `${name}: ${format} segment at offset ${pos}`;
    const cap = { bytes: limit.bytes - decompressed, exceeded: () => new DecompressLimitError(overLimitMessage(segment, limit), name) };
    const { data, end } = await decompressSegment(image, pos, format, segment, cap);
    decompressed += data.length;
    const inner = _parseArchives(data, where);
    segments.push({ offset: pos, end, compression: format, ...inner });
    pos = end;
  }
  return segments;
}

/** The contents of a compressed segment: archives separated by NUL padding, each ending in a trailer. */
function _parseArchives(data: Buffer, where: string): { archives: number; entries: CpioEntry[] } {
  const entries: CpioEntry[] = [];
  let archives = 0;
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) {
      pos++;
      continue;
    }
    if (data[pos] !== ASCII_ZERO || pos % 4 !== 0)
      throw new BadImageError(`${where}: offset ${pos}: junk within compressed archive`);
    const archive = parseNewcArchive(data, pos, where);
    if (!archive.hasTrailer)
      throw new BadImageError(`${where}: cpio archive has no TRAILER!!! (truncated before compression?)`);
    for (const entry of archive.entries) entries.push(entry);
    archives++;
    pos = archive.end;
  }
  return { archives, entries };
}
