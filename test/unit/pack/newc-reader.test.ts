import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { compress } from '../../../src/compress/compress.js';
import { BadImageError } from '../../../src/errors.js';
import { packPlan } from '../../../src/pack/pack-plan.js';
import { chardev, dir, file, hardlink, planOf, run, symlink } from './helpers.js';

const MTIME = 1_234_567_890;
const archiveOf = (...names: string[]): Buffer =>
  Buffer.concat(packPlan(planOf(names.map((n) => file(`/${n}`, `content of ${n}\n`))), { mtime: MTIME }));
const pathsOf = (entries: { path: string }[]) => entries.map((e) => e.path);

describe('readImage', () => {
  it('round-trips every field we write', async () => {
    const plan = planOf([
      dir('/bin', 0o750),
      file('/bin/busybox', 'BB', 0o4755),
      hardlink('/bin/mount', '/bin/busybox'),
      symlink('/bin/sh', 'busybox'),
      dir('/dev'),
      chardev('/dev/null', 1, 3, 0o666),
    ]);
    const [segment] = await readImage(Buffer.concat(packPlan(plan, { mtime: MTIME })), 'x.img');
    expect(segment).toMatchObject({ offset: 0, compression: 'none', archives: 1 });
    const rows = segment?.entries.map((e) => [e.path, e.type, e.mode.toString(8), e.ino, e.nlink, e.size, e.mtime, e.uid, e.gid]);
    expect(rows).toEqual([
      ['.', 'dir', '40755', 1, 2, 0, MTIME, 0, 0],
      ['bin', 'dir', '40750', 2, 2, 0, MTIME, 0, 0],
      ['bin/busybox', 'file', '104755', 3, 2, 0, MTIME, 0, 0],
      ['bin/mount', 'file', '104755', 3, 2, 2, MTIME, 0, 0],
      ['bin/sh', 'symlink', '120777', 5, 1, 7, MTIME, 0, 0],
      ['dev', 'dir', '40755', 6, 2, 0, MTIME, 0, 0],
      ['dev/null', 'chardev', '20666', 7, 1, 0, MTIME, 0, 0],
    ]);
    const mount = segment?.entries[3];
    expect([mount?.data.toString(), mount?.hardlinkOf]).toEqual(['BB', 'bin/busybox']);
    expect(segment?.entries[4]?.target).toBe('busybox');
    expect([segment?.entries[6]?.rdevmajor, segment?.entries[6]?.rdevminor]).toEqual([1, 3]);
  });

  it('reads an uncompressed archive, NUL padding, then compressed segments of every format', async () => {
    const early = archiveOf('early');
    const image = Buffer.concat([
      early,
      Buffer.alloc(512 - early.length), // pad to a block, as some tools do
      await compress(archiveOf('gz'), { format: 'gzip' }),
      await compress(archiveOf('zst'), { format: 'zstd' }),
      Buffer.alloc(3), // the kernel skips NULs between compressed segments too
      await compress(archiveOf('xz'), { format: 'xz' }),
      await compress(archiveOf('lz4'), { format: 'lz4' }),
      Buffer.alloc(4), // lz4 legacy has no end marker: a zero block size ends it
      run('bzip2', ['-c'], archiveOf('bz2')),
      run('xz', ['--format=lzma', '-c'], archiveOf('lzma')), // lzma has no end marker: it must be last
    ]);
    const segments = await readImage(image, 'multi.img');
    expect(segments.map((s) => [s.compression, pathsOf(s.entries)])).toEqual([
      ['none', ['.', 'early']],
      ['gzip', ['.', 'gz']],
      ['zstd', ['.', 'zst']],
      ['xz', ['.', 'xz']],
      ['lz4', ['.', 'lz4']],
      ['bzip2', ['.', 'bz2']],
      ['lzma', ['.', 'lzma']],
    ]);
    expect(segments[1]?.offset).toBe(512);
    for (let i = 1; i < segments.length; i++) expect(segments[i]?.offset).toBeGreaterThanOrEqual(segments[i - 1]?.end ?? Infinity);
    expect(segments[3]?.entries[1]?.data.toString()).toBe('content of xz\n');
  });

  it('reads several archives inside one compressed segment (concatenated before compression)', async () => {
    const inner = Buffer.concat([archiveOf('a'), Buffer.alloc(8), archiveOf('b')]);
    const [segment] = await readImage(await compress(inner, { format: 'zstd' }), 'two.img');
    expect(segment?.archives).toBe(2);
    expect(pathsOf(segment?.entries ?? [])).toEqual(['.', 'a', '.', 'b']);
  });

  it('names the image and the offset of garbage', async () => {
    const good = archiveOf('a');
    const image = Buffer.concat([good, Buffer.from('this is not an initramfs')]);
    await expect(readImage(image, '/boot/bad.img')).rejects.toThrow(BadImageError);
    await expect(readImage(image, '/boot/bad.img')).rejects.toThrow(`/boot/bad.img: offset ${good.length}: neither a cpio archive`);
  });

  it('refuses a cpio header that is not 4-aligned (the kernel cannot find it)', async () => {
    const image = Buffer.concat([Buffer.alloc(2), archiveOf('a')]);
    await expect(readImage(image, 'odd.img')).rejects.toThrow('odd.img: offset 2:');
  });

  it('reports truncated archives and truncated or corrupt compressed data', async () => {
    const plain = archiveOf('a', 'b');
    await expect(readImage(plain.subarray(0, plain.length - 200), 'cut.img')).rejects.toThrow(BadImageError);
    for (const format of ['gzip', 'zstd', 'xz', 'lz4'] as const) {
      const packed = await compress(archiveOf('a', 'b'), { format });
      await expect(readImage(packed.subarray(0, packed.length - 9), `cut.${format}`)).rejects.toThrow(
        new RegExp(`^cut\\.${format}: ${format} segment at offset 0`),
      );
    }
    const gz = await compress(archiveOf('a'), { format: 'gzip' });
    gz[gz.length - 6] = (gz[gz.length - 6] ?? 0) ^ 0xff; // damage the stored CRC
    await expect(readImage(gz, 'crc.img')).rejects.toThrow(/gzip CRC or length mismatch/);
  });

  it('refuses a compressed segment whose cpio data has no trailer', async () => {
    const archive = archiveOf('a');
    const withoutTrailer = archive.subarray(0, archive.length - 124);
    await expect(readImage(await compress(withoutTrailer, { format: 'gzip' }), 'nt.img')).rejects.toThrow(/no TRAILER/);
    // uncompressed, the grammar allows an archive without trailer at the end of the image
    const [segment] = await readImage(withoutTrailer, 'nt.cpio');
    expect(pathsOf(segment?.entries ?? [])).toEqual(['.', 'a']);
  });

  it('refuses malformed headers', async () => {
    const archive = Buffer.from(archiveOf('a'));
    archive.write('zzzzzzzz', 6 + 8, 'latin1'); // the mode field of "."
    await expect(readImage(archive, 'hdr.img')).rejects.toThrow(/hdr\.img: offset 0: cpio header field mode is not hex/);
  });
});
