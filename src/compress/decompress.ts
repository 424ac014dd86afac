// Decompresses one segment of an image and reports where it ends: gzip in-process through zlib, the
// others through the system tools, given exactly the bytes of their segment. Either way the output is
// bounded: decompression stops as soon as it passes the cap it is given.
import { constants as bufferConstants } from 'node:buffer';
import { inflateRawSync } from 'node:zlib';
import { BadImageError, type MkError } from '../errors.js';
import { runBoundedTool } from './bounded-tool.js';
import { crc32 } from './crc32.js';
import type { SegmentCompression } from './detect-compression.js';
import { SegmentEndError, bzip2StreamEnd, lz4LegacyEnd, xzStreamEnd, zstdFrameEnd } from './segment-end.js';
import { requireTool } from './system-tool.js';

export interface DecompressedSegment {
  data: Buffer;
  /** Offset just past the compressed segment. */
  end: number;
}

interface _ToolPlan {
  tool: string;
  args: string[];
  /**
   * Where the segment ends. lzma and lzo mark their end only inside the compressed bit stream, so
   * they take the rest of the image: anything after them is not read (the kernel would read it).
   */
  end: (buf: Buffer, start: number) => number;
}

const TOOLS: Record<Exclude<SegmentCompression, 'gzip'>, _ToolPlan> = {
  zstd: { tool: 'zstd', args: ['-q', '-d', '-c'], end: zstdFrameEnd },
  xz: { tool: 'xz', args: ['-q', '-d', '-c', '--single-stream'], end: xzStreamEnd },
  lz4: { tool: 'lz4', args: ['-q', '-d', '-c'], end: lz4LegacyEnd },
  lzma: { tool: 'xz', args: ['-q', '-d', '-c', '--format=lzma', '--single-stream'], end: (b) => b.length },
  bzip2: { tool: 'bzip2', args: ['-q', '-d', '-c'], end: bzip2StreamEnd },
  lzo: { tool: 'lzop', args: ['-q', '-d', '-c'], end: (b) => b.length },
};

/** The decompressor of a format the system tools read (the round trip of a new image uses it). */
export function decompressorOf(format: Exclude<SegmentCompression, 'gzip'>): { tool: string; args: readonly string[] } {
  const plan = TOOLS[format];
  return { tool: plan.tool, args: plan.args };
}

/** Offset just past the one segment of `format` that starts at `start` (SegmentEndError when it is broken). */
export function segmentEnd(buf: Buffer, start: number, format: Exclude<SegmentCompression, 'gzip'>): number {
  return TOOLS[format].end(buf, start);
}

/** The most a segment may decompress to, and the error when it would give more. */
export interface OutputCap {
  bytes: number;
  exceeded: () => MkError;
}

/**
 * `where` names the segment in errors ("/boot/initrd.img: zstd segment at offset 5120"). Without a
 * cap the output is bounded only by what one Buffer holds: leave it out only for data this program
 * has just made itself (the round trip of a new image).
 */
export async function decompressSegment(
  buf: Buffer,
  start: number,
  format: SegmentCompression,
  where: string,
  cap?: OutputCap,
): Promise<DecompressedSegment> {
  if (format === 'gzip') return _gunzip(buf, start, where, cap);
  const plan = TOOLS[format];
  let end: number;
  try {
    end = plan.end(buf, start);
  } catch (err) {
    if (err instanceof SegmentEndError) throw new BadImageError(`${where}: ${err.message}`);
    throw err;
  }
  const tool = requireTool(plan.tool, `install ${plan.tool} to read ${format} images`);
  const data = await runBoundedTool(tool, plan.args, buf.subarray(start, end), cap?.bytes ?? MAX_BUFFER, (m) => new BadImageError(`${where}: ${m}`));
  if (data === undefined) throw _exceeded(cap);
  return { data, end };
}

const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FHCRC = 2;

const MAX_BUFFER = bufferConstants.MAX_LENGTH;

function _exceeded(cap: OutputCap | undefined): MkError {
  return cap?.exceeded() ?? new BadImageError(`decompressed data is larger than ${MAX_BUFFER} bytes`);
}

/** One gzip member: header, raw deflate, then CRC32 and size of the data, both checked. */
function _gunzip(buf: Buffer, start: number, where: string, cap: OutputCap | undefined): DecompressedSegment {
  const bad = (why: string): BadImageError => new BadImageError(`${where}: ${why}`);
  if (start + 10 > buf.length) throw bad('truncated gzip header');
  if (buf[start + 2] !== 8) throw bad('gzip member is not deflate-compressed');
  const flags = buf[start + 3] as number;
  let pos = start + 10;
  if (flags & FEXTRA) pos += 2 + (pos + 2 <= buf.length ? buf.readUInt16LE(pos) : 0);
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const nul = buf.indexOf(0, pos);
    if (nul < 0) throw bad('truncated gzip header');
    pos = nul + 1;
  }
  if (flags & FHCRC) pos += 2;
  if (pos > buf.length) throw bad('truncated gzip header');
  let result: { buffer: Buffer; engine: { bytesWritten: number } };
  // zlib stops and throws as soon as the output passes maxOutputLength (which must be at least 1)
  const maxOutputLength = Math.max(1, Math.min(cap?.bytes ?? MAX_BUFFER, MAX_BUFFER));
  try {
    result = inflateRawSync(buf.subarray(pos), { info: true, maxOutputLength }) as unknown as typeof result;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw _exceeded(cap);
    throw bad(`gzip data is corrupt (${(err as Error).message})`);
  }
  if (cap !== undefined && result.buffer.length > cap.bytes) throw cap.exceeded();
  const trailer = pos + result.engine.bytesWritten;
  if (trailer + 8 > buf.length) throw bad('truncated gzip trailer');
  const data = result.buffer;
  if (buf.readUInt32LE(trailer) !== crc32(data) || buf.readUInt32LE(trailer + 4) !== data.length >>> 0)
    throw bad('gzip CRC or length mismatch');
  return { data, end: trailer + 8 };
}
