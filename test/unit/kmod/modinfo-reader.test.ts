import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsHost } from '../../../src/host/fs-host.js';
import { modinfoDepends, modinfoValue, modinfoValues, parseModinfo } from '../../../src/kmod/modinfo.js';
import { readModinfo } from '../../../src/kmod/modinfo-reader.js';
import { BadModuleError } from '../../../src/errors.js';
import { makeKo } from '../../support/make-ko.js';
import { gzipBomb, xzBomb, zstdBomb, zstdBombWithSize } from '../../support/module-bombs.js';
import { makeTree, type TempTree } from './tree.js';

const FIELDS: Array<[string, string]> = [
  ['alias', 'pci:v00001AF4d00001001sv*sd*bc*sc*i*'],
  ['alias', 'virtio:d00000002v*'],
  ['depends', 'virtio,virtio_ring'],
  ['softdep', 'pre: crc32c'],
  ['firmware', 'fw/one.bin'],
  ['license', 'GPL'],
  ['name', 'virtio_blk'],
  ['vermagic', '6.9.0 SMP preempt mod_unload modversions '],
  ['parm', 'queue_depth:Queue depth (uint)'],
  ['empty', ''],
];
const ko = makeKo({ modinfo: FIELDS });
let tree: TempTree;
let host: FsHost;

beforeAll(() => {
  const xz = execFileSync('xz', ['--check=crc32', '-c'], { input: ko });
  const zst = execFileSync('zstd', ['-q', '-c'], { input: ko });
  tree = makeTree({ 'm/a.ko': ko, 'm/a.ko.gz': gzipSync(ko), 'm/a.ko.xz': xz, 'm/a.ko.zst': zst });
  host = new FsHost({ root: tree.root });
});
afterAll(() => tree.cleanup());

describe('readModinfo', () => {
  it.each(['a.ko', 'a.ko.gz', 'a.ko.xz', 'a.ko.zst'])('reads every field of %s in order', (name) => {
    const info = readModinfo(host, `/m/${name}`);
    expect(info.file).toBe(`/m/${name}`);
    expect(info.entries.map((e) => [e.key, e.value])).toEqual(FIELDS);
    expect(modinfoValues(info, 'alias')).toHaveLength(2);
    expect(modinfoValue(info, 'name')).toBe('virtio_blk');
    expect(modinfoDepends(info)).toEqual(['virtio', 'virtio_ring']);
  });
});

describe('readModinfo of a module file that is a bomb (512 MiB of zeros, where the limit is 64 MiB)', () => {
  it.each([
    ['b.ko.gz', () => gzipBomb(512)],
    ['b.ko.zst', () => zstdBomb(512)],
    ['b.ko.zst', () => zstdBombWithSize(512)],
    ['b.ko.xz', () => xzBomb(512)],
  ] as const)('%s: a BadModuleError naming the file, exit 5, saying to reinstall the kernel package', (name, make) => {
    const bombs = makeTree({ [`m/${name}`]: make() });
    try {
      let err: unknown;
      try {
        readModinfo(new FsHost({ root: bombs.root }), `/m/${name}`);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BadModuleError);
      expect((err as BadModuleError).exitCode).toBe(5);
      expect((err as Error).message).toMatch(new RegExp(`^/m/${name.replaceAll('.', '\\.')}: decompresses to more than 64 MiB .*reinstall the kernel package$`));
      expect((err as Error).message).not.toContain('--max-decompressed');
    } finally {
      bombs.cleanup();
    }
  });
});

describe('parseModinfo', () => {
  it('skips padding NULs and keeps keys without "="', () => {
    const info = parseModinfo(Buffer.from('\0\0license=GPL\0\0\0intree\0depends=\0'), 'x');
    expect(info.entries).toEqual([
      { key: 'license', value: 'GPL' },
      { key: 'intree', value: '' },
      { key: 'depends', value: '' },
    ]);
    expect(modinfoDepends(info)).toEqual([]);
  });
});
