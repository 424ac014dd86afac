// decompressModules: many files of each format in one go, cut back into the right files; a corrupt
// file is named in the error; a missing tool is a CompressorError saying what to install; a bomb
// (a file that decompresses past moduleLimit) is a BadModuleError naming it, stopped at the limit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BadModuleError, CompressorError } from '../../../src/errors.js';
import { decompressModules, type CompressedModule } from '../../../src/kmod/decompress-modules.js';
import { makeKo } from '../../support/make-ko.js';
import { gzipBomb, xzBomb, zstdBomb, zstdBombWithSize } from '../../support/module-bombs.js';

const ko = (name: string, pad = 0): Buffer => makeKo({ modinfo: [['name', name], ['description', 'x'.repeat(pad)]] });
const xz = (b: Buffer, flags: string[] = ['--check=crc32']): Buffer => execFileSync('xz', ['-c', ...flags], { input: b });
// from a pipe zstd records no content size: those files are decompressed one by one
const zst = (b: Buffer, flags: string[] = []): Buffer => execFileSync('zstd', ['-q', '-c', ...flags], { input: b });

const zstWithSize = (b: Buffer): Buffer => {
  const dir = mkdtempSync(join(tmpdir(), 'zst-'));
  try {
    writeFileSync(join(dir, 'm.ko'), b);
    return execFileSync('zstd', ['-q', '-c', join(dir, 'm.ko')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const originals = Array.from({ length: 23 }, (_, i) => ko(`mod${i}`, i * 997));
const files = (): CompressedModule[] =>
  originals.map((b, i): CompressedModule => {
    const path = `/lib/modules/k/kernel/m${i}.ko`;
    if (i % 3 === 0) return { path: `${path}.xz`, data: xz(b), compression: 'xz' };
    if (i % 3 === 1) return { path: `${path}.zst`, data: i === 4 ? zst(b) : zstWithSize(b), compression: 'zstd' };
    return { path: `${path}.gz`, data: gzipSync(b), compression: 'gzip' };
  });

const savedPath = process.env['PATH'];
afterEach(() => {
  process.env['PATH'] = savedPath;
});

describe('decompressModules', () => {
  it.each([1, 2, 5])('gives every file its own bytes back, in order (%i jobs)', async (jobs) => {
    const out = await decompressModules(files(), jobs);
    expect(out).toHaveLength(originals.length);
    out.forEach((b, i) => expect(b.equals(originals[i] as Buffer), `file ${i}`).toBe(true));
  });

  it('a corrupt file among many is named in the error, whatever batch it is in', async () => {
    const list = files();
    const bad = list[9] as CompressedModule; // an xz one
    const mid = bad.data.length >> 1;
    bad.data = Buffer.concat([bad.data.subarray(0, mid), Buffer.from([(bad.data[mid] as number) ^ 0xff]), bad.data.subarray(mid + 1)]);
    const run = decompressModules(list, 2);
    await expect(run).rejects.toThrow(BadModuleError);
    await expect(decompressModules(list, 2)).rejects.toThrow(`${bad.path}: corrupt xz data`);
  });

  it('a corrupt gzip file is named too', async () => {
    const list = files();
    const bad = list[2] as CompressedModule;
    bad.data = bad.data.subarray(0, 20);
    await expect(decompressModules(list)).rejects.toThrow(`${bad.path}: corrupt gzip data`);
  });

  it('a container that misstates its size is caught by the batch and redone file by file', async () => {
    const list = files().filter((f) => f.compression === 'xz');
    const a = originals[0] as Buffer;
    // the first file's index says it holds less than it does: the batch's total no longer adds up
    list[0] = { ...(list[0] as CompressedModule), data: Buffer.concat([xz(a.subarray(0, 100)), xz(a.subarray(100))]) };
    const out = await decompressModules(list, 1);
    expect(out[0]?.equals(a)).toBe(true);
  });

  it('without xz installed: a CompressorError naming the package', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-tools-'));
    const list = files().filter((f) => f.compression === 'xz');
    try {
      process.env['PATH'] = empty;
      await expect(decompressModules(list)).rejects.toThrow(CompressorError);
      await expect(decompressModules(list)).rejects.toThrow('install the xz-utils package');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  describe('a bomb among real modules (512 MiB of zeros, where the limit is 64 MiB)', () => {
    it.each([
      ['gzip, decoded in-process', 'm.ko.gz', 'gzip', () => gzipBomb(512)],
      ['zstd without a content size, decoded by the tool (killed at the limit)', 'm.ko.zst', 'zstd', () => zstdBomb(512)],
      ['zstd whose frames say how big they are (refused undecoded)', 'm.ko.zst', 'zstd', () => zstdBombWithSize(512)],
      ['xz whose index says how big it is (refused undecoded)', 'm.ko.xz', 'xz', () => xzBomb(512)],
    ] as const)('%s: a BadModuleError naming the file, exit 5', async (_what, name, compression, make) => {
      const bomb: CompressedModule = { path: `/lib/modules/k/kernel/${name}`, data: make(), compression };
      const list = [...files(), bomb];
      const err = await decompressModules(list, 2).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadModuleError);
      expect((err as BadModuleError).exitCode).toBe(5);
      const message = (err as Error).message;
      expect(message).toMatch(new RegExp(`^${bomb.path.replaceAll('.', '\\.')}: decompresses to more than 64 MiB .*not a plausible kernel module: reinstall the kernel package$`));
      expect(message).not.toContain('--max-decompressed');
      expect(message).not.toContain('\n');
    });

    it('a bomb the tool reads by name (as a build does) is stopped the same way', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bomb-'));
      try {
        const diskPath = join(dir, 'm.ko.zst');
        writeFileSync(diskPath, zstdBomb(512));
        const bomb: CompressedModule = { path: '/lib/modules/k/kernel/m.ko.zst', data: zstdBomb(512), compression: 'zstd', diskPath };
        await expect(decompressModules([bomb], 1)).rejects.toThrow(/m\.ko\.zst: decompresses to more than 64 MiB/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('a module just under the limit still decompresses whole', async () => {
      // 63 MiB of zeros: far past any ratio a real module has, yet under the 64 MiB floor
      const list: CompressedModule[] = [
        { path: '/k/a.ko.zst', data: zstdBomb(63), compression: 'zstd' },
        { path: '/k/b.ko.gz', data: gzipBomb(63), compression: 'gzip' },
        { path: '/k/c.ko.xz', data: xzBomb(63), compression: 'xz' },
      ];
      const out = await decompressModules(list, 1);
      expect(out.map((b) => b.length)).toEqual([63 * 2 ** 20, 63 * 2 ** 20, 63 * 2 ** 20]);
    });
  });
});
