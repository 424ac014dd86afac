// Where a compressed segment ends inside an image, found from the container format alone so that the
// reader can go on with the next segment as the kernel does. Each returns the offset just past the
// segment, or throws a message the caller turns into a BadImageError.
import { crc32 } from './crc32.js';

export class SegmentEndError extends Error {}

/** One zstd frame: header, blocks (3-byte headers) and the optional 4-byte content checksum. */
export function zstdFrameEnd(buf: Buffer, start: number): number {
  const need = (pos: number, n: number): void => {
    if (pos + n > buf.length) throw new SegmentEndError('truncated zstd frame');
  };
  need(start, 5);
  const descriptor = buf[start + 4] as number;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const hasChecksum = (descriptor >> 2) & 1;
  const dictIdFlag = descriptor & 3;
  if (descriptor & 0x08) throw new SegmentEndError('reserved bit set in zstd frame header');
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag] as number;
  let pos = start + 5 + (singleSegment ? 0 : 1) + ([0, 1, 2, 4][dictIdFlag] as number) + fcsBytes;
  for (;;) {
    need(pos, 3);
    const header = buf.readUIntLE(pos, 3);
    const last = header & 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;
    if (type === 3) throw new SegmentEndError('reserved zstd block type');
    pos += 3 + (type === 1 ? 1 : size); // an RLE block stores one byte
    need(pos, 0);
    if (last) break;
  }
  pos += hasChecksum ? 4 : 0;
  need(pos, 0);
  return pos;
}

/**
 * One xz stream. Block headers need not record their sizes, so the stream is bounded from its end:
 * the first 4-aligned footer whose CRC32, flags and backward size lead to a valid index.
 */
export function xzStreamEnd(buf: Buffer, start: number): number {
  if (start + 12 > buf.length) throw new SegmentEndError('truncated xz stream header');
  const flags = buf.subarray(start + 6, start + 8);
  if (crc32(flags) !== buf.readUInt32LE(start + 8)) throw new SegmentEndError('corrupt xz stream header');
  for (let footer = start + 12; footer + 12 <= buf.length; footer += 4) {
    if (buf[footer + 10] !== 0x59 || buf[footer + 11] !== 0x5a) continue; // "YZ"
    if (!buf.subarray(footer + 8, footer + 10).equals(flags)) continue;
    if (crc32(buf.subarray(footer + 4, footer + 10)) !== buf.readUInt32LE(footer)) continue;
    const indexSize = (buf.readUInt32LE(footer + 4) + 1) * 4;
    const index = footer - indexSize;
    if (index < start + 12 || buf[index] !== 0x00) continue;
    if (crc32(buf.subarray(index, footer - 4)) !== buf.readUInt32LE(footer - 4)) continue;
    return footer + 12;
  }
  throw new SegmentEndError('xz stream has no footer (truncated)');
}

/** LZ4_compressBound(8 MiB): no legacy block may be larger. */
const LZ4_LEGACY_MAX_BLOCK = 8 * 1024 * 1024 + Math.floor((8 * 1024 * 1024) / 255) + 16;
const LZ4_LEGACY_MAGIC = 0x184c2102;

/**
 * An lz4 legacy stream has no end marker: it is a run of (size, block) pairs, and the kernel stops at
 * the end of the data, at a zero size (padding) or at a size no block can have. A repeated legacy
 * magic continues the stream.
 */
export function lz4LegacyEnd(buf: Buffer, start: number): number {
  let pos = start + 4;
  while (pos + 4 <= buf.length) {
    const size = buf.readUInt32LE(pos);
    if (size === LZ4_LEGACY_MAGIC) {
      pos += 4;
      continue;
    }
    if (size === 0 || size > LZ4_LEGACY_MAX_BLOCK) break;
    if (pos + 4 + size > buf.length) throw new SegmentEndError('truncated lz4 block');
    pos += 4 + size;
  }
  return pos;
}

/**
 * One bzip2 stream ends with a 48-bit end-of-stream magic and a 32-bit CRC, at any bit position,
 * padded to a byte: found by a bit-level scan (bzip2recover finds blocks the same way).
 */
export function bzip2StreamEnd(buf: Buffer, start: number): number {
  let hi = 0; // the upper 16 of the last 48 bits read
  let lo = 0; // the lower 32
  for (let byteAt = start + 4; byteAt < buf.length; byteAt++) {
    const byte = buf[byteAt] as number;
    for (let bit = 7; bit >= 0; bit--) {
      hi = ((hi << 1) | (lo >>> 31)) & 0xffff;
      lo = ((lo << 1) | ((byte >> bit) & 1)) >>> 0;
      if (hi !== 0x1772 || lo !== 0x45385090) continue;
      const endBit = (byteAt - start) * 8 + (8 - bit) + 32; // bits consumed, plus the CRC
      const end = start + Math.ceil(endBit / 8);
      if (end > buf.length) throw new SegmentEndError('truncated bzip2 stream');
      return end;
    }
  }
  throw new SegmentEndError('bzip2 stream has no end-of-stream marker (truncated)');
}
