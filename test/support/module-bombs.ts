// Decompression bombs shaped as kernel module files, made cheaply: one compressed MiB of zeros
// repeated, as back-to-back gzip members, zstd frames or xz streams (each decoder reads them all, one
// after another). `mib` MiB of output from about a thousandth of that (far less for zstd and xz).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const MIB_OF_ZEROS = Buffer.alloc(2 ** 20);

const repeat = (unit: Buffer, times: number): Buffer => Buffer.concat(Array.from({ length: times }, () => unit));

export function gzipBomb(mib: number): Buffer {
  return repeat(gzipSync(MIB_OF_ZEROS), mib);
}

/** zstd frames written from a pipe record no content size: only decoding shows how big they are. */
export function zstdBomb(mib: number): Buffer {
  return repeat(execFileSync('zstd', ['-q', '-c'], { input: MIB_OF_ZEROS }), mib);
}

/** zstd frames compressed from a file record their content size: the header says how big they are. */
export function zstdBombWithSize(mib: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'zst-bomb-'));
  try {
    writeFileSync(join(dir, 'zeros'), MIB_OF_ZEROS);
    return repeat(execFileSync('zstd', ['-q', '-c', join(dir, 'zeros')]), mib);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every .xz stream's index records its size. */
export function xzBomb(mib: number): Buffer {
  return repeat(execFileSync('xz', ['-c', '--check=crc32'], { input: MIB_OF_ZEROS }), mib);
}
