// kmod's binary indexes from the build machine's depmod, for tiny modules built in the test: the
// build machine's modprobe resolves their aliases from the .bin files alone; the same input gives the
// same bytes; a missing depmod is a typed error that says to install kmod.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildToolError, findDepmod, kmodBinaryIndexes } from '../../../src/kmod/depmod-binary-index.js';
import type { ResolvedModuleFile } from '../../../src/kmod/module-source.js';
import { makeKo } from '../../support/make-ko.js';
import { modprobeConfigArgs } from '../../support/modprobe-config.js';

const KVER = '6.99.0-test';
const tmp = mkdtempSync(join(tmpdir(), 'mkinitramfs-kmodbin-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function module(name: string, alias: string): ResolvedModuleFile {
  const diskPath = join(tmp, 'src', `${name}.ko`);
  mkdirSync(join(tmp, 'src'), { recursive: true });
  writeFileSync(diskPath, makeKo({ modinfo: [['license', 'GPL'], ['alias', alias], ['name', name], ['vermagic', `${KVER} SMP mod_unload`]] }));
  return { name, relPath: `kernel/drivers/test/${name}.ko`, diskPath, reasons: ['test'] };
}

const modules = [module('foo_blk', 'pci:v0000ABCDd00001234sv*sd*bc*sc*i*'), module('bar_fs', 'fs-barfs')];
const subset = new Map([
  ['modules.order', 'kernel/drivers/test/foo_blk.ko\nkernel/drivers/test/bar_fs.ko\n'],
  ['modules.builtin', 'kernel/fs/ext4/ext4.ko\n'],
  ['modules.builtin.modinfo', 'ext4.alias=fs-ext4\0ext4.license=GPL\0'],
]);

describe('kmodBinaryIndexes', () => {
  it("writes the *.bin files kmod's modprobe reads, and only those", () => {
    const idx = kmodBinaryIndexes(KVER, modules, subset);
    expect([...idx.files.keys()]).toEqual(['modules.alias.bin', 'modules.builtin.alias.bin', 'modules.builtin.bin', 'modules.dep.bin', 'modules.symbols.bin']);
    expect(idx.modulesDep).toBe('kernel/drivers/test/foo_blk.ko:\nkernel/drivers/test/bar_fs.ko:\n');
    // an image-like tree holding the modules and only the binary indexes
    const root = join(tmp, 'image');
    const dir = join(root, 'lib', 'modules', KVER);
    mkdirSync(join(dir, 'kernel/drivers/test'), { recursive: true });
    for (const m of modules) writeFileSync(join(dir, m.relPath), makeKo({ modinfo: [['name', m.name]] }));
    for (const [name, content] of idx.files) writeFileSync(join(dir, name), content);
    const resolve = (alias: string): string => execFileSync('modprobe', [...modprobeConfigArgs(root), '-R', '-d', root, '-S', KVER, alias], { encoding: 'utf8' }).trim();
    expect(resolve('pci:v0000ABCDd00001234sv00000001sd00000002bc01sc00i00')).toBe('foo_blk');
    expect(resolve('fs-barfs')).toBe('bar_fs');
    expect(resolve('fs-ext4')).toBe('ext4'); // built in: modules.builtin.alias.bin
  });

  it('gives the same bytes for the same modules (reproducible images)', () => {
    const a = kmodBinaryIndexes(KVER, modules, subset);
    const b = kmodBinaryIndexes(KVER, modules, subset);
    for (const [name, content] of a.files) expect(content.equals(b.files.get(name) as Buffer), name).toBe(true);
  });

  it('a build machine without depmod is a typed error saying to install kmod', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(() => findDepmod([empty])).toThrow(BuildToolError);
    expect(() => findDepmod([empty])).toThrow(/install kmod/);
    expect(() => kmodBinaryIndexes(KVER, modules, subset, join(empty, 'depmod'))).toThrow(/cannot run .*install kmod/);
  });
});
