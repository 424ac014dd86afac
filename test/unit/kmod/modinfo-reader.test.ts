import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsHost } from '../../../src/host/fs-host.js';
import { modinfoDepends, modinfoValue, modinfoValues, parseModinfo } from '../../../src/kmod/modinfo.js';
import { readModinfo } from '../../../src/kmod/modinfo-reader.js';
import { makeKo } from '../../support/make-ko.js';
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
