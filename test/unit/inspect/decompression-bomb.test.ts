// Decompression bombs: a megabyte of gzip or 32 KiB of zstd that stand for a gigabyte of zeros. Every
// reader of an image stops at a limit (100 × the image's size, at least 64 MiB, at most 4 GiB, or
// --max-decompressed), with one line that names the image, the limit and the flag.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, crc32 as zlibCrc32, deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LIMIT_FLOOR, defaultLimit, formatBytes } from '../../../src/compress/decompress-limit.js';
import { ExitCode } from '../../../src/errors.js';
import { S_IFREG } from '../../../src/cpio/newc-format.js';
import { archive, file, image, parents, rawArchive, tempDir } from './image-builder.js';
import { runCli } from './run-cli.js';

const GiB = 2 ** 30;
const ZEROS = Buffer.alloc(16 * 2 ** 20);

/** The newc header (and name) of a regular file `name` of `size` bytes, whose data follows it. */
function newcHeader(name: string, size: number): Buffer {
  const fields = [1, S_IFREG | 0o644, 0, 0, 1, 0, size, 0, 0, 0, 0, name.length + 1, 0];
  const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}${name}\0`, 'latin1');
  return Buffer.concat([header, Buffer.alloc((4 - (header.length % 4)) % 4)]);
}

/** A cpio archive holding one file of `size` zero bytes, as the pieces that follow each other. */
function zeroArchive(size: number): { head: Buffer; tail: Buffer } {
  expect(size % ZEROS.length).toBe(0);
  return { head: newcHeader('zeros', size), tail: rawArchive([]) };
}

/**
 * A valid gzip of that archive, made without compressing a gigabyte: after a full flush deflate
 * starts afresh, so 16 MiB of zeros compress to the same bytes every time and can be repeated.
 */
function gzipBomb(size: number): Buffer {
  const { head, tail } = zeroArchive(size);
  const block = deflateRawSync(ZEROS, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const parts = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), deflateRawSync(head, { finishFlush: constants.Z_FULL_FLUSH })];
  let crc = zlibCrc32(head);
  for (let done = 0; done < size; done += ZEROS.length) {
    parts.push(block);
    crc = zlibCrc32(ZEROS, crc);
  }
  parts.push(deflateRawSync(tail));
  crc = zlibCrc32(tail, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc, 0);
  trailer.writeUInt32LE((head.length + size + tail.length) % 2 ** 32, 4);
  return Buffer.concat([...parts, trailer]);
}

/** The same archive through the zstd CLI, the zeros streamed from /dev/zero. */
function zstdBomb(size: number, dir: string): Buffer {
  const { head, tail } = zeroArchive(size);
  writeFileSync(join(dir, 'head'), head);
  writeFileSync(join(dir, 'tail'), tail);
  const r = spawnSync('sh', ['-c', `{ cat head; head -c ${size} /dev/zero; cat tail; } | zstd -q -19 -c`], { cwd: dir, maxBuffer: 2 ** 24 });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

function expectRefused(res: { code: number; out: string; err: string }, img: string, limit: string): void {
  expect(res.code, res.err).toBe(ExitCode.badImage);
  const lines = res.err.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(img);
  expect(lines[0]).toContain(`passes ${limit}, the limit`);
  expect(lines[0]).toContain('--max-decompressed SIZE');
  expect(res.out).toBe('');
}

describe('decompression bombs', () => {
  it('a 1 GiB gzip bomb (1 MB) is refused by every reader at 100 × its size', async () => {
    const dir = tempDir();
    const bomb = gzipBomb(GiB);
    expect(bomb.length).toBeLessThan(1.1e6);
    const img = join(dir, 'bomb.gz');
    writeFileSync(img, bomb);
    const limit = formatBytes(defaultLimit(bomb.length).bytes);
    expect(limit).toMatch(/^\d+\.\d MiB$/); // 100 × ~1 MB, above the 64 MiB floor
    for (const args of [['ls', img], ['cat', img, 'zeros'], ['verify', img], ['extract', img, join(dir, 'x')], ['diff', img, img]])
      expectRefused(await runCli(...args), img, limit);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('a 1 GiB zstd bomb (32 KiB) is refused at the 64 MiB floor', async () => {
    const dir = tempDir();
    const bomb = zstdBomb(GiB, dir);
    expect(bomb.length).toBeLessThan(100_000);
    const img = join(dir, 'bomb.zst');
    writeFileSync(img, bomb);
    const res = await runCli('ls', img);
    expectRefused(res, img, formatBytes(LIMIT_FLOOR));
    expect(res.err).toContain('zstd segment at offset 0');
  });

  it('--max-decompressed raises the limit: the same bomb, made smaller, lists with it', async () => {
    const dir = tempDir();
    const img = join(dir, 'big.zst');
    writeFileSync(img, zstdBomb(128 * 2 ** 20, dir));
    expectRefused(await runCli('ls', img), img, '64 MiB');
    const res = await runCli('ls', '--max-decompressed', '200M', img);
    expect(res.code, res.err).toBe(0);
    expect(res.out).toMatch(/ 134217728 zeros\n/);
  });
});

describe('a compressed kernel module inside an image', () => {
  const MOD = 'lib/modules/6.1.0-1-amd64/kernel/bomb.ko';
  const compressed = {
    gz: () => gzipSync(Buffer.alloc(100 * 2 ** 20), { level: 9 }),
    xz: () => spawnSync('sh', ['-c', `head -c ${100 * 2 ** 20} /dev/zero | xz -q -c --check=crc32`], { maxBuffer: 2 ** 24 }).stdout,
    zst: () => spawnSync('sh', ['-c', `head -c ${100 * 2 ** 20} /dev/zero | zstd -q -c`], { maxBuffer: 2 ** 24 }).stdout,
  };

  it.each(['gz', 'xz', 'zst'] as const)('.ko.%s of 100 MiB: verify names the limit instead of decompressing it', async (suffix) => {
    const path = `${MOD}.${suffix}`;
    const data = compressed[suffix]();
    expect(data.length).toBeLessThan(200_000);
    const img = join(tempDir(), 'mod.img');
    writeFileSync(img, await image({ records: [...parents(path), file(path, data)], format: 'zstd' }));
    const res = await runCli('verify', img);
    expect(res.code).toBe(ExitCode.notBootable);
    expect(res.out).toContain(`${path}: decompressed data passes 64 MiB, the limit (the default for a ${formatBytes(data.length)} file`);
    expect(res.out).toContain('If the module is genuine, raise the limit with --max-decompressed SIZE');
    // raised, the module is read, and turns out not to be an ELF file
    const raised = await runCli('verify', '--max-decompressed', '128M', img);
    expect(raised.out).not.toContain('decompressed data passes');
    expect(raised.out).toContain(path);
  });
});

describe('--max-decompressed on ordinary images', () => {
  // 3 MiB that do not compress, and a small file: the image decompresses to a bit over 3 MiB
  const payload = Buffer.from(Array.from({ length: 3 * 2 ** 18 }, (_, i) => (i * 2654435761) >>> 0).flatMap((n) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24]));
  const records = [file('init', '#!/bin/sh\n', 0o755), file('blob', payload)];

  it.each(['gzip', 'zstd', 'xz', 'lz4'] as const)('%s: refused below its size, read at or above it, by every reader', async (format) => {
    const dir = tempDir();
    const img = join(dir, `image.${format}`);
    writeFileSync(img, await image({ records, format }));
    expect((await runCli('ls', img)).code).toBe(0); // the default: at least 64 MiB
    const low = await runCli('ls', '--max-decompressed', '3M', img);
    expectRefused(low, img, '3 MiB');
    expect(low.err).toContain('set by --max-decompressed');
    for (const args of [['cat', img, 'init'], ['verify', img], ['extract', img, join(dir, 'x')], ['diff', img, img]])
      expectRefused(await runCli(args[0] as string, '--max-decompressed', '3M', ...args.slice(1)), img, '3 MiB');
    const high = await runCli('cat', '--max-decompressed', '4M', img, 'blob');
    expect(high.code, high.err).toBe(0);
    expect(high.stdout.equals(payload)).toBe(true);
    expect((await runCli('ls', '--max-decompressed', '4m', img)).code).toBe(0);
  });

  it('the limit holds for all segments together, not each one', async () => {
    const dir = tempDir();
    const img = join(dir, 'two.img');
    const half = payload.subarray(0, payload.length / 2);
    writeFileSync(img, await image({ records: [file('a', half)], format: 'zstd' }, { records: [file('b', half)], format: 'gzip' }));
    expect((await runCli('ls', '--max-decompressed', '4M', img)).code).toBe(0);
    // each segment 1.5 MiB, below 2 MiB; 3 MiB together
    const both = await runCli('ls', '--max-decompressed', '2M', img);
    expectRefused(both, img, '2 MiB');
    expect(both.err).toContain('gzip segment at offset'); // the second segment passes it
  });

  it.each(['', '0', '12X', '1.5G', '-1', 'G', '99999999999999999G'])('refuses the size %j', async (size) => {
    const img = join(tempDir(), 'i.img');
    writeFileSync(img, archive([file('init', 'x')]));
    const res = await runCli('ls', '--max-decompressed', size, img);
    expect(res.code).toBe(ExitCode.usage);
    expect(res.err).toContain(`--max-decompressed ${size}: give a size in bytes, or with a K, M or G suffix`);
  });
});
