// The size a compressed module file decompresses to, read from the container's own bookkeeping
// without decoding it: the index of every .xz stream, the content size in each zstd frame header.
// Many modules are decompressed by one `xz`/`zstd` run whose output is the concatenation of theirs;
// these sizes cut that output back into files. Undefined when the container does not say (a zstd
// frame written from a pipe has no content size): such a file is decompressed on its own.
import type { ModuleCompression } from './module-compression.js';

export function decompressedSize(data: Uint8Array, compression: ModuleCompression): number | undefined {
  if (compression === 'xz') return _xzSize(data);
  if (compression === 'zstd') return _zstdSize(data);
  return undefined;
}

const XZ_FOOTER_MAGIC = [0x59, 0x5a]; // "YZ"

// .xz: streams (each ends with a 12-byte footer whose Backward Size locates the index), optionally
// separated by zero padding in multiples of 4 bytes. Walk them from the end.
function _xzSize(data: Uint8Array): number | undefined {
  let end = data.length;
  let total = 0;
  while (end > 0) {
    while (end >= 4 && data[end - 1] === 0 && data[end - 2] === 0 && data[end - 3] === 0 && data[end - 4] === 0) end -= 4;
    if (end === 0) break;
    if (end < 24 || data[end - 2] !== XZ_FOOTER_MAGIC[0] || data[end - 1] !== XZ_FOOTER_MAGIC[1]) return undefined;
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const indexSize = (view.getUint32(end - 8, true) + 1) * 4;
    const indexStart = end - 12 - indexSize;
    if (indexStart < 12 || data[indexStart] !== 0) return undefined;
    const pos = { at: indexStart + 1 };
    const records = _varint(data, pos, end - 12);
    if (records === undefined) return undefined;
    let unpaddedTotal = 0;
    for (let i = 0; i < records; i++) {
      const unpadded = _varint(data, pos, end - 12);
      const size = _varint(data, pos, end - 12);
      if (unpadded === undefined || size === undefined) return undefined;
      unpaddedTotal += Math.ceil(unpadded / 4) * 4;
      total += size;
    }
    // the stream: 12-byte header, the blocks (each padded to 4 bytes), the index, the footer
    const streamStart = indexStart - unpaddedTotal - 12;
    if (streamStart < 0) return undefined;
    end = streamStart;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

function _varint(data: Uint8Array, pos: { at: number }, limit: number): number | undefined {
  let value = 0;
  for (let shift = 0; shift < 63; shift += 7) {
    if (pos.at >= limit) return undefined;
    const b = data[pos.at++] as number;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value;
  }
  return undefined;
}

const ZSTD_MAGIC = 0xfd2fb528;

// zstd: frames back to back; a frame header may carry Frame_Content_Size. Skippable frames add
// nothing. The blocks of a frame are stepped over by their 3-byte headers, never decoded.
function _zstdSize(data: Uint8Array): number | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  let total = 0;
  while (at < data.length) {
    if (at + 8 > data.length) return undefined;
    const magic = view.getUint32(at, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      at += 8 + view.getUint32(at + 4, true);
      continue;
    }
    if (magic !== ZSTD_MAGIC) return undefined;
    const fhd = data[at + 4] as number;
    const fcsFlag = fhd >> 6;
    const singleSegment = (fhd >> 5) & 1;
    const checksum = (fhd >> 2) & 1;
    const dictIdSize = [0, 1, 2, 4][fhd & 3] as number;
    const fcsSize = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag] as number;
    if (fcsSize === 0) return undefined;
    let p = at + 5 + (singleSegment ? 0 : 1) + dictIdSize;
    if (p + fcsSize > data.length) return undefined;
    const size =
      fcsSize === 1 ? (data[p] as number) : fcsSize === 2 ? view.getUint16(p, true) + 256 : fcsSize === 4 ? view.getUint32(p, true) : Number(view.getBigUint64(p, true));
    total += size;
    p += fcsSize;
    for (;;) {
      if (p + 3 > data.length) return undefined;
      const header = (data[p] as number) | ((data[p + 1] as number) << 8) | ((data[p + 2] as number) << 16);
      const last = header & 1;
      const type = (header >> 1) & 3;
      const blockSize = header >>> 3;
      if (type === 3) return undefined;
      p += 3 + (type === 1 ? 1 : blockSize); // an RLE block stores one byte
      if (last) break;
    }
    at = p + (checksum ? 4 : 0);
  }
  return at === data.length && Number.isSafeInteger(total) ? total : undefined;
}
