import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { checkRoundTrip, compress, compressorArgs, defaultCompression } from '../../../src/compress/compress.js';
import { parseCompressSpec } from '../../../src/compress/compress-spec.js';
import { decompressSegment } from '../../../src/compress/decompress.js';
import { CompressorError, UsageError } from '../../../src/errors.js';
import { packPlan } from '../../../src/pack/pack-plan.js';
import { dir, file, planOf, run, tempDir } from '../pack/helpers.js';

// A few hundred KiB of compressible but not trivial cpio data.
const archive = Buffer.concat(
  packPlan(
    planOf([dir('/etc'), ...Array.from({ length: 200 }, (_, i) => file(`/etc/f${String(i).padStart(3, '0')}`, `line ${i}\n`.repeat(i * 10)))]),
    { mtime: 0 },
  ),
);
const DECOMPRESSORS = { gzip: ['gzip', '-dc'], zstd: ['zstd', '-dcq'], xz: ['xz', '-dc'], lz4: ['lz4', '-dcq'] } as const;

describe('compress', () => {
  for (const format of ['gzip', 'zstd', 'xz', 'lz4'] as const) {
    it(`${format}: the system decompressor and our reader get the archive back, reproducibly`, async () => {
      const packed = await compress(archive, { format });
      expect(packed.length).toBeLessThan(archive.length / 5);
      const [tool, ...args] = DECOMPRESSORS[format];
      expect(run(tool, args, packed).equals(archive)).toBe(true);
      const [segment] = await readImage(packed, `x.${format}`);
      expect(segment?.compression).toBe(format);
      expect(segment?.entries).toHaveLength(202);
      expect(segment?.end).toBe(packed.length);
      expect((await compress(archive, { format })).equals(packed)).toBe(true);
    });
  }

  it('accepts chunks as well as one buffer, and none passes the bytes through', async () => {
    const chunks = [archive.subarray(0, 1000), archive.subarray(1000)];
    expect((await compress(chunks, { format: 'none' })).equals(archive)).toBe(true);
    expect((await compress(chunks, { format: 'zstd' })).equals(await compress(archive, { format: 'zstd' }))).toBe(true);
  });

  it('xz uses the CRC32 check the kernel requires, not the default CRC64', async () => {
    const path = `${tempDir()}/a.xz`;
    writeFileSync(path, await compress(archive, { format: 'xz', level: 3 }));
    const list = run('xz', ['--robot', '-lv', path]).toString();
    const stream = list.split('\n').find((l) => l.startsWith('stream\t'))?.split('\t') ?? [];
    expect(stream[8]).toBe('CRC32');
    expect(list).not.toContain('CRC64');
  });

  it('lz4 writes the legacy format (magic 0x184C2102), not lz4 frames', async () => {
    const packed = await compress(archive, { format: 'lz4' });
    expect(packed.readUInt32LE(0)).toBe(0x184c2102);
  });

  it('zstd levels above 19 need --ultra, and work', async () => {
    expect(compressorArgs({ format: 'zstd', level: 22 })).toContain('--ultra');
    expect(compressorArgs({ format: 'zstd', level: 19 })).not.toContain('--ultra');
    const packed = await compress(archive, { format: 'zstd', level: 22 });
    expect(run('zstd', ['-dcq'], packed).equals(archive)).toBe(true);
  });

  it('a missing compressor is a CompressorError that says what to do', async () => {
    const saved = process.env['PATH'];
    process.env['PATH'] = tempDir();
    try {
      await expect(compress(archive, { format: 'zstd' })).rejects.toThrow(CompressorError);
      await expect(compress(archive, { format: 'zstd' })).rejects.toThrow('zstd not found: install zstd or use --compress gzip');
      await expect(compress(archive, { format: 'xz' })).rejects.toThrow('xz not found: install xz or use --compress gzip');
      expect((await compress(archive, { format: 'gzip' })).length).toBeGreaterThan(0); // zlib needs no binary
      const lz4 = Buffer.from([0x02, 0x21, 0x4c, 0x18, 0, 0, 0, 0]);
      await expect(decompressSegment(lz4, 0, 'lz4', 'img')).rejects.toThrow(/lz4 not found: install lz4 to read lz4 images/);
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('with no usable temp dir, the tools are fed through pipes instead, with the same bytes', async () => {
    const spooled = await compress(archive, { format: 'zstd' });
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = `${tempDir()}/missing`;
    try {
      const piped = await compress(archive, { format: 'zstd' });
      expect(piped.equals(spooled)).toBe(true);
      expect((await decompressSegment(piped, 0, 'zstd', 'img')).data.equals(archive)).toBe(true);
      // a failing tool is reported the same way on both paths
      await expect(decompressSegment(Buffer.concat([piped.subarray(0, 200), Buffer.alloc(64)]), 0, 'zstd', 'img')).rejects.toThrow(/^img: /);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
    await expect(decompressSegment(Buffer.concat([spooled.subarray(0, 200), Buffer.alloc(64)]), 0, 'zstd', 'img')).rejects.toThrow(/^img: /);
  });

  for (const format of ['gzip', 'zstd', 'xz', 'lz4', 'none'] as const) {
    it(`${format}: the round trip of the compressed archive passes; of another archive, or with bytes after it, it fails`, async () => {
      const chunks = [archive.subarray(0, 4096), archive.subarray(4096)];
      const packed = await compress(chunks, { format });
      await expect(checkRoundTrip(packed, chunks, { format })).resolves.toBeUndefined();
      const other = [Buffer.concat([archive.subarray(0, 100), Buffer.from('X'), archive.subarray(101)])];
      await expect(checkRoundTrip(packed, other, { format })).rejects.toThrow(CompressorError);
      await expect(checkRoundTrip(packed, other, { format })).rejects.toThrow(/does not decompress to the archive that was packed .*; the old image is kept$/);
      if (format === 'none') return;
      const trailing = Buffer.concat([packed, Buffer.alloc(16)]);
      await expect(checkRoundTrip(trailing, chunks, { format })).rejects.toThrow(/\(16 bytes follow the \w+ (data|member)\)/);
      const cut = packed.subarray(0, packed.length - 9);
      await expect(checkRoundTrip(cut, chunks, { format })).rejects.toThrow(CompressorError);
    });
  }

  it('a compressor that writes something else than it was asked (a fake zstd on PATH) fails the round trip', async () => {
    const bin = tempDir();
    // compresses an empty input, whatever it is given: a valid zstd frame of other bytes
    const real = run('sh', ['-c', 'command -v zstd'], Buffer.alloc(0)).toString().trim();
    writeFileSync(`${bin}/zstd`, `#!/bin/sh\ncase " $* " in *" -d "*) exec ${real} "$@";; esac\ncat >/dev/null; printf '' | ${real} -q -c\n`, { mode: 0o755 });
    const saved = process.env['PATH'];
    process.env['PATH'] = `${bin}:${saved ?? ''}`;
    try {
      const packed = await compress(archive, { format: 'zstd' });
      await expect(checkRoundTrip(packed, [archive], { format: 'zstd' })).rejects.toThrow("the new image's zstd data does not decompress to the archive that was packed (zstd -q -d -c gives back other bytes)");
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('defaults to zstd when the binary exists, else gzip', () => {
    expect(defaultCompression()).toEqual({ format: 'zstd' });
    expect(defaultCompression(tempDir())).toEqual({ format: 'gzip' });
  });
});

describe('parseCompressSpec', () => {
  it('parses a format with an optional level', () => {
    expect(parseCompressSpec('zstd:19')).toEqual({ format: 'zstd', level: 19 });
    expect(parseCompressSpec('gzip')).toEqual({ format: 'gzip' });
    expect(parseCompressSpec('none')).toEqual({ format: 'none' });
    expect(parseCompressSpec('xz:0')).toEqual({ format: 'xz', level: 0 });
  });

  it('refuses unknown formats and out-of-range levels with the fix', () => {
    expect(() => parseCompressSpec('lzo')).toThrow(UsageError);
    expect(() => parseCompressSpec('lzo')).toThrow('unknown compression "lzo": use gzip, zstd, xz, lz4, none');
    expect(() => parseCompressSpec('zstd:23')).toThrow('zstd level 23 is out of range: use zstd:1 to zstd:22');
    expect(() => parseCompressSpec('gzip:0')).toThrow(UsageError);
    expect(() => parseCompressSpec('none:3')).toThrow(UsageError);
    expect(() => parseCompressSpec('zstd:')).toThrow(UsageError);
  });
});
