// A kernel whose modules are .ko.xz, .ko.zst and .ko.gz (as Debian 13, Fedora, Arch and Ubuntu ship
// them): the image stores every module decompressed under its .ko name, its modules.dep and
// modules.order name those, .modinfo (firmware) and symbols are read from the decompressed bytes, and
// kmod's indexes made by the real depmod resolve them.
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addKmodIndexes, addModules } from '../../../src/assemble/add-modules.js';
import { kmodBinaryIndexes } from '../../../src/kmod/depmod-binary-index.js';
import { openModuleSource } from '../../../src/kmod/open-module-source.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { PlanBuilder } from '../../../src/assemble/plan-builder.js';
import { canonicalImagePath } from '../../../src/assemble/image-layout.js';
import { fakeKernel, KDIR, KVER } from './fake-kernel.js';
import type { TempTree } from './tree.js';
import { BadModuleError } from '../../../src/errors.js';
import { gzipBomb, zstdBomb } from '../../support/module-bombs.js';

// module file → how it is compressed in this kernel
const COMPRESS: Record<string, 'xz' | 'zst' | 'gz'> = {
  'kernel/fs/ext4/ext4.ko': 'xz',
  'kernel/fs/jbd2/jbd2.ko': 'zst',
  'kernel/lib/crc16.ko': 'gz',
  'kernel/drivers/block/virtio_blk.ko': 'xz',
  'kernel/drivers/virtio/virtio.ko': 'zst',
};

let tree: TempTree;
const originals = new Map<string, Buffer>();

beforeEach(() => {
  tree = fakeKernel();
  const kdir = join(tree.root, KDIR);
  for (const [rel, fmt] of Object.entries(COMPRESS)) {
    const file = join(kdir, rel);
    const raw = readFileSync(file);
    originals.set(rel, raw);
    // compressed from the file, as kbuild does (so zstd records the content size)
    const packed = fmt === 'gz' ? gzipSync(raw) : execFileSync(fmt === 'xz' ? 'xz' : 'zstd', fmt === 'xz' ? ['-c', '--check=crc32', file] : ['-q', '-c', file]);
    writeFileSync(`${file}.${fmt}`, packed);
    renameSync(file, `${file}.orig`);
  }
  const dep = readFileSync(join(kdir, 'modules.dep'), 'utf8').replace(/(kernel\/[^\s:]+\.ko)(?=[:\s])/g, (p) => (COMPRESS[p] ? `${p}.${COMPRESS[p]}` : p));
  writeFileSync(join(kdir, 'modules.dep'), dep);
});
afterEach(() => tree.cleanup());

const request = (name: string) => ({ name, optional: false, why: `test wants ${name}` });

describe('an image of a kernel with compressed modules', () => {
  it('stores each module decompressed, under its .ko name, with its reasons', async () => {
    const plan = new PlanBuilder(KVER, canonicalImagePath);
    const source = openModuleSource(new FsHost({ root: tree.root }), KVER);
    await addModules(plan, source, [request('ext4'), request('virtio_blk')], []);
    const built = plan.build();
    for (const [rel, raw] of originals) {
      const entry = built.entries.find((e) => e.path === `/usr/lib/modules/${KVER}/${rel}`);
      expect(entry?.type, rel).toBe('file');
      if (entry?.type !== 'file') continue;
      expect(Buffer.from(entry.content ?? '').equals(raw), `${rel} decompressed`).toBe(true);
      expect(entry.decompressedFrom).toBe(join(tree.root, KDIR, `${rel}.${COMPRESS[rel]}`));
      expect(entry.reasons.length).toBeGreaterThan(0);
    }
    expect(built.entries.some((e) => /\.ko\.(xz|zst|gz)$/.test(e.path))).toBe(false);
    // modules that were never compressed still come from their file
    const mbcache = built.entries.find((e) => e.path.endsWith('/kernel/fs/mbcache.ko'));
    expect(mbcache).toMatchObject({ type: 'file', source: join(tree.root, KDIR, 'kernel/fs/mbcache.ko') });
  });

  it("the image's modules.dep and modules.order name the .ko files; depmod's depends order is kept", async () => {
    const plan = new PlanBuilder(KVER, canonicalImagePath);
    const added = await addModules(plan, openModuleSource(new FsHost({ root: tree.root }), KVER), [request('ext4')], []);
    const dep = String(added.files.get('modules.dep'));
    expect(dep).toContain('kernel/fs/ext4/ext4.ko: kernel/fs/mbcache.ko kernel/lib/crc16.ko kernel/fs/jbd2/jbd2.ko\n');
    expect(dep).not.toMatch(/\.ko\.(xz|zst|gz)/);
    expect(String(added.files.get('modules.order'))).not.toMatch(/\.ko\.(xz|zst|gz)/);
  });

  it('.modinfo is read from the decompressed module: its firmware is found', async () => {
    const plan = new PlanBuilder(KVER, canonicalImagePath);
    await addModules(plan, openModuleSource(new FsHost({ root: tree.root }), KVER), [request('virtio_blk')], []);
    const paths = plan.build().entries.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/usr/lib/firmware/fw/a.bin.xz', '/usr/lib/firmware/updates/fw/b.bin']));
  });

  it("kmod's binary indexes (the real depmod) are made from the decompressed modules", async () => {
    const plan = new PlanBuilder(KVER, canonicalImagePath);
    const added = await addModules(plan, openModuleSource(new FsHost({ root: tree.root }), KVER), [request('ext4')], []);
    // depmod reads each module (an ELF, not xz data) from the .ko name the image gives it
    const idx = kmodBinaryIndexes(KVER, added.modules, added.files);
    for (const rel of ['kernel/fs/ext4/ext4.ko', 'kernel/fs/jbd2/jbd2.ko', 'kernel/lib/crc16.ko']) expect(idx.modulesDep).toContain(`${rel}:`);
    expect(idx.files.get('modules.dep.bin')?.includes(Buffer.from('kernel/fs/jbd2/jbd2.ko'))).toBe(true);
    addKmodIndexes(plan, added);
    expect(plan.build().entries.some((e) => e.path.endsWith('/modules.dep.bin'))).toBe(true);
  });

  it('a corrupt compressed module is a BadModuleError naming its file', async () => {
    writeFileSync(join(tree.root, KDIR, 'kernel/fs/jbd2/jbd2.ko.zst'), Buffer.from('(\xb5/\xfd garbage', 'latin1'));
    const plan = new PlanBuilder(KVER, canonicalImagePath);
    await expect(addModules(plan, openModuleSource(new FsHost({ root: tree.root }), KVER), [request('ext4')], [])).rejects.toThrow(
      /jbd2\.ko\.zst: corrupt zstd data .*reinstall the kernel package/,
    );
  });

  it.each([
    ['kernel/lib/crc16.ko.gz', () => gzipBomb(512)],
    ['kernel/fs/jbd2/jbd2.ko.zst', () => zstdBomb(512)],
  ])('a module file that is a bomb (%s, 512 MiB of zeros) fails the build with exit 5 naming it, stopped at 64 MiB', async (rel, make) => {
    writeFileSync(join(tree.root, KDIR, rel), make());
    const plan = new PlanBuilder(KVER, canonicalImagePath);
    const err = await addModules(plan, openModuleSource(new FsHost({ root: tree.root }), KVER), [request('ext4')], []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadModuleError);
    expect((err as BadModuleError).exitCode).toBe(5);
    expect((err as Error).message).toMatch(
      new RegExp(`^/${KDIR}/${rel.replaceAll('.', '\\.')}: decompresses to more than 64 MiB .*not a plausible kernel module: reinstall the kernel package$`),
    );
    expect((err as Error).message).not.toContain('--max-decompressed');
  });
});
