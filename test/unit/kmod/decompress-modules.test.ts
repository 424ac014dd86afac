// decompressModules: many files of each format in one go, cut back into the right files; a corrupt
// file is named in the error; a missing tool is a CompressorError saying what to install.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BadModuleError, CompressorError } from '../../../src/errors.js';
import { decompressModules, type CompressedModule } from '../../../src/kmod/decompress-modules.js';
import { makeKo } from '../../support/make-ko.js';

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
});
