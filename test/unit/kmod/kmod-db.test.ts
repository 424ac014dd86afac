import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadModuleError, ExitCode } from '../../../src/errors.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { openKmodDb, type KmodDb } from '../../../src/kmod/kmod-db.js';
import { fakeKernel, KVER } from './fake-kernel.js';
import type { TempTree } from './tree.js';

const K = `/lib/modules/${KVER}`;
let tree: TempTree;
let db: KmodDb;

beforeAll(() => {
  tree = fakeKernel();
  symlinkSync('real-c.bin', join(tree.root, 'usr/lib/firmware/fw/c.bin'));
  db = openKmodDb(new FsHost({ root: tree.root }), KVER, { kernelCmdline: 'root=/dev/vda snd-pcsp.bar=2 0.0.0.0:80 modprobe.blacklist=crc16' });
});
afterAll(() => tree.cleanup());

const names = (r: { modules: Array<{ name: string }> }): string[] => r.modules.map((m) => m.name);

describe('KmodDb.resolve', () => {
  it('loads dependencies first and softdep pre: modules before the module that wants them (via an alias resolving to two modules)', () => {
    const r = db.resolve(['ext4']);
    expect(names(r)).toEqual(['crc32c_intel', 'crc32c_generic', 'jbd2', 'mbcache', 'crc16', 'ext4']);
    const intel = r.modules[0];
    expect(intel?.path).toBe(`${K}/kernel/arch/x86/crypto/crc32c-intel.ko`);
    expect(intel?.reasons).toEqual(['softdep pre of jbd2']);
    expect(r.modules.find((m) => m.name === 'jbd2')?.reasons).toEqual(['depends of ext4']);
    expect(r.modules.find((m) => m.name === 'ext4')?.reasons).toEqual(['requested']);
  });

  it('uses only the first softdep line matching a module (a line without pre:/post: gives nothing)', () => {
    expect(names(db.resolve(['crc16']))).toEqual(['crc16']);
  });

  it('prints --show-depends like modprobe: repeats, install commands, and softdeps overriding an install command', () => {
    expect(db.showDepends('uhci-hcd')).toEqual([
      `insmod ${K}/kernel/drivers/usb/core/usbcore.ko `,
      `insmod ${K}/kernel/drivers/usb/core/usbcore.ko `,
      'install /sbin/modprobe --ignore-install ehci_hcd ',
      `insmod ${K}/kernel/drivers/usb/host/uhci-hcd.ko `,
    ]);
    const r = db.resolve(['uhci_hcd']);
    expect(names(r)).toEqual(['usbcore', 'ehci_hcd', 'uhci_hcd']);
    expect(r.modules[1]?.install).toBe('/sbin/modprobe --ignore-install ehci_hcd');
    expect(r.modules[2]?.install).toBeUndefined();
  });

  it('prints a dependency\'s modprobe.d options with the trailing blank modprobe prints (as for md_mod of raid1 with mdadm.conf)', () => {
    const t = fakeKernel({ 'etc/modprobe.d/z.conf': 'options usbcore autosuspend=-1\n' });
    try {
      const withOptions = openKmodDb(new FsHost({ root: t.root }), KVER);
      expect(withOptions.showDepends('uhci-hcd')[0]).toBe(`insmod ${K}/kernel/drivers/usb/core/usbcore.ko autosuspend=-1 `);
      expect(withOptions.showDepends('usbcore')).toEqual([`insmod ${K}/kernel/drivers/usb/core/usbcore.ko autosuspend=-1 `]);
    } finally {
      t.cleanup();
    }
  });

  it('handles softdep post: after the module', () => {
    const r = db.resolve(['virtio_blk']);
    expect(names(r)).toEqual(['virtio', 'virtio_ring', 'virtio_blk', 'virtio_pci']);
    expect(r.modules[3]?.reasons).toEqual(['softdep post of virtio_blk']);
  });

  it('collects options from config files in name order (the /etc copy of a name shadows /lib) and the kernel command line', () => {
    const r = db.resolve(['snd-pcsp']);
    expect(r.modules[0]?.options).toBe('index=-2   foo=1 bar=2');
    expect(db.showDepends('snd_pcsp')).toEqual([`insmod ${K}/kernel/sound/drivers/pcsp/snd-pcsp.ko index=-2   foo=1 bar=2 `]);
  });

  it('satisfies requests from builtins without a file, by name or builtin alias', () => {
    expect(db.resolve(['fs-debugfs'])).toMatchObject({ modules: [], builtin: ['debugfs'] });
    expect(db.resolve(['debugfs', 'crypto-hmac'])).toMatchObject({ modules: [], builtin: ['debugfs', 'hmac'] });
    expect(db.showDepends('fs-debugfs')).toEqual(['builtin debugfs']);
  });

  it('skips a blacklisted module only when reached through an alias (modprobe -b not given)', () => {
    const viaAlias = db.resolve(['pci:v0000BEEFd00000001sv00000000sd00000000bc00sc00i00']);
    expect(viaAlias.modules).toEqual([]);
    expect(viaAlias.warnings.join('\n')).toMatch(/blacklisted/);
    expect(names(db.resolve(['evil']))).toEqual(['evil']);
  });

  it('applies modprobe.blacklist= from the kernel command line like a blacklist line', () => {
    expect(db.isBlacklisted('crc16')).toBe(true);
  });

  it('reports a name backed only by an install command as a warning, with no file', () => {
    const r = db.resolve(['fakefs']);
    expect(r.modules).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/fakefs .*modprobe would run: \/bin\/true/);
  });

  it('throws a BadModuleError for an unknown name, or lists it when asked to warn', () => {
    let err: unknown;
    try {
      db.resolve(['ext4', 'nosuchmod']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadModuleError);
    expect((err as BadModuleError).exitCode).toBe(ExitCode.badModule);
    expect((err as Error).message).toMatch(new RegExp(`^unknown module or alias 'nosuchmod' for kernel ${KVER} \\(modules.dep in ${K}\\)`));
    expect((err as Error).message).not.toContain('\n');
    const r = db.resolve(['ext4', 'nosuchmod'], { unknown: 'warn' });
    expect(r.unresolved).toEqual(['nosuchmod']);
    expect(names(r)).toContain('ext4');
  });

  it('keeps the modprobe.d warnings of bad lines', () => {
    expect(db.data.config.warnings.join('\n')).toMatch(/b\.conf line 10: ignoring bad line starting with 'bogus'/);
    expect(db.data.config.files).toEqual([`/etc/modprobe.d/a.conf`, `/lib/modprobe.d/b.conf`, `${K}/modules.softdep`]);
  });
});

describe('KmodDb.resolveAlias', () => {
  it('resolves a PCI modalias through the wildcard table', () => {
    expect(db.resolveAlias('pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00')).toEqual(['virtio_pci']);
    expect(db.resolveAlias('pci:v00008086d00001001sv00001AF4sd00000002bc01sc00i00')).toEqual([]);
  });
  it('orders several modules by modules.dep position, not by alias-file order', () => {
    expect(db.resolveAlias('crypto-crc32c')).toEqual(['crc32c_intel', 'crc32c_generic']);
  });
  it('lets modprobe.d aliases win over modules.alias and folds dashes', () => {
    expect(db.resolveAlias('crc32c')).toEqual(['crc32c_generic']);
    expect(db.resolveAlias('my_disk')).toEqual(['virtio_blk']);
    expect(db.resolve(['my-disk']).modules.find((m) => m.name === 'virtio_blk')).toMatchObject({ reasons: ['alias my-disk'] });
  });
  it('matches patterns whose wildcard comes before the bus separator', () => {
    expect(db.resolveAlias('dmi:bvnX:svnBEEF:pnY')).toEqual(['evil']);
  });
  it('resolves symbol: requests through modules.symbols and names through modules.dep first', () => {
    expect(db.resolveAlias('symbol:jbd2_journal_start')).toEqual(['jbd2']);
    expect(db.resolveAlias('fs-ext4')).toEqual(['ext4']);
    expect(db.resolveAlias('ext4')).toEqual(['ext4']);
  });
});

describe('KmodDb.firmware', () => {
  it('finds firmware in kernel search order, .xz/.zst accepted, symlinks followed; missing ones are warnings', () => {
    const r = db.firmware(db.resolve(['virtio_blk']).modules);
    expect(r.files.map((f) => [f.name, f.path, f.realPath])).toEqual([
      ['fw/a.bin', '/lib/firmware/fw/a.bin.xz', '/lib/firmware/fw/a.bin.xz'],
      ['fw/b.bin', '/lib/firmware/updates/fw/b.bin', '/lib/firmware/updates/fw/b.bin'],
      ['fw/c.bin', '/usr/lib/firmware/fw/c.bin', '/usr/lib/firmware/fw/real-c.bin'],
    ]);
    expect(r.warnings).toEqual(["firmware 'fw/missing.bin' for module virtio_blk not found in /lib/firmware or /usr/lib/firmware"]);
  });
});
