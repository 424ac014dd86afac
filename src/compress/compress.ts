// Compresses the main cpio archive in exactly the variants the kernel's initramfs unpacker accepts
// (xz with a CRC32 check, lz4 in the legacy format): other variants make the kernel panic at boot.
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { type CompressFormat, type CompressSpec, formatCompressSpec } from './compress-spec.js';
import { decompressorOf, decompressSegment, segmentEnd } from './decompress.js';
import { findTool, requireTool, runTool, toolGivesBack } from './system-tool.js';
import { CompressorError } from '../errors.js';

const gzipAsync = promisify(gzipCallback);

const DEFAULT_LEVEL: Record<Exclude<CompressFormat, 'none'>, number> = {
  gzip: 6,
  zstd: 3,
  xz: 6,
  lz4: 1,
};

export async function compress(data: Buffer | readonly Buffer[], spec: CompressSpec): Promise<Buffer> {
  const chunks: readonly Buffer[] = Buffer.isBuffer(data) ? [data] : data;
  switch (spec.format) {
    case 'none':
      return Buffer.concat(chunks);
    case 'gzip':
      // zlib writes mtime 0 and no name into the gzip header, so the bytes are reproducible.
      return gzipAsync(Buffer.concat(chunks), { level: spec.level ?? DEFAULT_LEVEL.gzip });
    case 'zstd':
    case 'xz':
    case 'lz4': {
      const tool = requireTool(spec.format, `install ${spec.format} or use --compress gzip`);
      return runTool(tool, compressorArgs(spec), chunks).catch(_stopped);
    }
  }
}

/**
 * The round trip: throws a CompressorError unless `data` is one segment of the format, with nothing
 * after it, that the decompressor turns back into exactly `archive`.
 */
export async function checkRoundTrip(data: Buffer, archive: readonly Buffer[], spec: CompressSpec): Promise<void> {
  const broken = (why: string): CompressorError =>
    new CompressorError(`the new image's ${formatCompressSpec(spec)} data does not decompress to the archive that was packed (${why}); the old image is kept`);
  const want = archive.length === 1 ? (archive[0] as Buffer) : Buffer.concat(archive);
  if (spec.format === 'none') {
    if (!data.equals(want)) throw broken('the data differs');
    return;
  }
  if (spec.format === 'gzip') {
    let back: { data: Buffer; end: number };
    try {
      back = await decompressSegment(data, 0, 'gzip', 'gzip data');
    } catch (err) {
      throw broken((err as Error).message);
    }
    if (back.end !== data.length) throw broken(`${data.length - back.end} bytes follow the gzip member`);
    if (!back.data.equals(want)) throw broken('zlib gives back other bytes');
    return;
  }
  let end: number;
  try {
    end = segmentEnd(data, 0, spec.format);
  } catch (err) {
    throw broken((err as Error).message);
  }
  if (end !== data.length) throw broken(`${data.length - end} bytes follow the ${spec.format} data`);
  const undo = decompressorOf(spec.format);
  const tool = requireTool(undo.tool, `install ${undo.tool} or use --compress gzip`);
  if (!(await toolGivesBack(tool, undo.args, data, want))) throw broken(`${undo.tool} ${undo.args.join(' ')} gives back other bytes`);
}

/** The compressor failed (exit status, signal): the build stops before anything is written. */
function _stopped(err: unknown): never {
  if (!(err instanceof CompressorError)) throw err;
  throw new CompressorError(`${err.message}; nothing was written (run again, or choose another --compress)`);
}

/** The command-line arguments for a system compressor writing stdin to stdout. */
export function compressorArgs(spec: CompressSpec): string[] {
  switch (spec.format) {
    case 'zstd': {
      const level = spec.level ?? DEFAULT_LEVEL.zstd;
      // Jobs of 1 MiB, so that every core works on a small (host-only) archive too: by default a job
      // is 4 windows (8 MiB at level 3), one job for the whole archive. The output depends on the job
      // size, not on the number of threads (-T0: one per core), so it is the same on every machine.
      return ['-q', '-c', '-T0', '-B1MiB', ...(level > 19 ? ['--ultra'] : []), `-${level}`];
    }
    case 'xz': {
      const level = spec.level ?? DEFAULT_LEVEL.xz;
      // The kernel's xz decoder knows CRC32 and no check only (CRC64, xz's default, panics), and
      // a 1 MiB dictionary keeps its memory needs small. One thread: one block, one known layout.
      return ['-q', '-c', '-T1', '--check=crc32', `--lzma2=preset=${level},dict=1MiB`];
    }
    case 'lz4':
      // -l: the legacy format; the kernel cannot read lz4 frames.
      return ['-q', '-c', '-l', `-${spec.level ?? DEFAULT_LEVEL.lz4}`];
    default:
      throw new Error(`compressorArgs: ${formatCompressSpec(spec)} is not a system compressor`);
  }
}

/** zstd when the zstd binary exists (fast and small), else gzip (always available through zlib). */
export function defaultCompression(pathEnv?: string): CompressSpec {
  return findTool('zstd', pathEnv) !== undefined ? { format: 'zstd' } : { format: 'gzip' };
}

