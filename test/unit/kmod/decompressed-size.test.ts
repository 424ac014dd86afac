// decompressedSize against files made by the real xz and zstd tools: the sizes their containers
// record, in every layout those tools write (blocks, several streams, padding, frames, skippable
// frames), and undefined where the container does not say.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decompressedSize } from '../../../src/kmod/decompressed-size.js';

const tool = (cmd: string, args: string[], input: Buffer): Buffer => execFileSync(cmd, args, { input, maxBuffer: 1 << 28 });
// zstd records the content size only when it knows it: compressing a file, as kbuild does
const zstdFile = (args: string[], input: Buffer): Buffer => {
  const dir = mkdtempSync(join(tmpdir(), 'zst-'));
  try {
    writeFileSync(join(dir, 'm.ko'), input);
    return execFileSync('zstd', ['-q', '-c', ...args, join(dir, 'm.ko')], { maxBuffer: 1 << 28 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
// compressible and incompressible parts, like a module's code and its tables
const data = (n: number): Buffer => Buffer.concat([Buffer.alloc(n, 'module text '), randomBytes(n >> 2)]);

describe('decompressedSize of .xz', () => {
  it.each([
    ['crc32 (how kernels compress modules)', ['--check=crc32']],
    ['crc64 (xz default)', []],
    ['no check', ['--check=none']],
    ['many blocks', ['--block-size=4096']],
  ])('%s', (_name, flags) => {
    const raw = data(20_000);
    expect(decompressedSize(tool('xz', ['-c', ...flags], raw), 'xz')).toBe(raw.length);
  });

  it('two concatenated streams with stream padding between and after them', () => {
    const a = data(5000);
    const b = data(7000);
    const file = Buffer.concat([tool('xz', ['-c'], a), Buffer.alloc(8), tool('xz', ['-c'], b), Buffer.alloc(4)]);
    expect(decompressedSize(file, 'xz')).toBe(a.length + b.length);
    expect(tool('xz', ['-dc'], file).length).toBe(a.length + b.length); // the oracle agrees
  });

  it('an empty input', () => {
    expect(decompressedSize(tool('xz', ['-c'], Buffer.alloc(0)), 'xz')).toBe(0);
  });

  it('truncated or garbage data: undefined, never a wrong number', () => {
    const file = tool('xz', ['-c'], data(3000));
    expect(decompressedSize(file.subarray(0, file.length - 1), 'xz')).toBeUndefined();
    expect(decompressedSize(file.subarray(0, 10), 'xz')).toBeUndefined();
    expect(decompressedSize(Buffer.from('not xz at all, YZ'), 'xz')).toBeUndefined();
  });
});

describe('decompressedSize of .zst', () => {
  it('a file compressed from a file records its content size', () => {
    const raw = data(50_000);
    expect(decompressedSize(zstdFile([], raw), 'zstd')).toBe(raw.length);
    expect(decompressedSize(zstdFile(['-19'], raw), 'zstd')).toBe(raw.length);
  });

  it('small and single-segment frames (1- and 2-byte size fields)', () => {
    for (const n of [0, 10, 200, 300, 70_000]) {
      const raw = Buffer.alloc(n, 'x');
      expect(decompressedSize(zstdFile([], raw), 'zstd')).toBe(n);
    }
  });

  it('several frames, a skippable frame and a checksum', () => {
    const a = data(3000);
    const b = data(9000);
    const skippable = Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18]), Buffer.from([5, 0, 0, 0]), Buffer.from('hello')]);
    const file = Buffer.concat([zstdFile(['--check'], a), skippable, zstdFile(['--no-check'], b)]);
    expect(decompressedSize(file, 'zstd')).toBe(a.length + b.length);
    expect(tool('zstd', ['-dcq'], file).length).toBe(a.length + b.length);
  });

  it('a frame without a content size (written from a stream): undefined', () => {
    const raw = data(10_000);
    const file = tool('zstd', ['-q', '-c'], raw); // from a pipe
    expect(decompressedSize(file, 'zstd')).toBeUndefined();
  });

  it('truncated data: undefined', () => {
    const file = zstdFile([], data(30_000));
    expect(decompressedSize(file.subarray(0, file.length - 3), 'zstd')).toBeUndefined();
  });
});
