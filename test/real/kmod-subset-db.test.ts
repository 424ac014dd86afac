// subset-db against depmod: copy the closure of a generic storage + filesystem set into a temp
// module tree, run `depmod -b` on it, and compare with what subset-db writes for the same set.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsHost } from '../../src/host/fs-host.js';
import { openKmodDb } from '../../src/kmod/kmod-db.js';
import { subsetDbOf } from '../../src/kmod/subset-db.js';
import { kernelRoot, kver } from '../support/fixtures.js';

const SET = ['virtio_blk', 'virtio_pci', 'ahci', 'sd_mod', 'nvme', 'ext4', 'xfs', 'btrfs', 'dm_crypt', 'usb_storage', 'uas', 'xhci_pci', 'vfat'];

const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('subset-db vs depmod (real kernel)', () => {
  it('writes the same modules.dep, modules.alias, modules.softdep, modules.symbols and modules.devname as depmod on the subset', () => {
    const db = openKmodDb(new FsHost({ root: kernelRoot() }), kver());
    const chosen = db.resolve(SET).modules;
    const files = subsetDbOf(
      db,
      chosen.map((m) => m.name),
    );
    const tmp = mkdtempSync(join(tmpdir(), 'kmod-subset-'));
    try {
      const kdir = join(tmp, 'lib/modules', kver());
      for (const m of chosen) {
        const rel = m.path.slice(db.kmoddir.length + 1);
        mkdirSync(dirname(join(kdir, rel)), { recursive: true });
        copyFileSync(join(kernelRoot(), m.path), join(kdir, rel));
      }
      for (const f of ['modules.order', 'modules.builtin', 'modules.builtin.modinfo']) copyFileSync(join(kernelRoot(), db.kmoddir, f), join(kdir, f));
      execFileSync('depmod', ['-b', tmp, kver()]);
      const report: string[] = [];
      for (const f of ['modules.dep', 'modules.alias', 'modules.softdep', 'modules.symbols', 'modules.devname']) {
        const theirs = readFileSync(join(kdir, f), 'utf8');
        const ours = files.get(f) as string;
        expect(lines(ours).sort(), f).toEqual(lines(theirs).sort());
        expect(lines(ours).length, f).toBeGreaterThan(f === 'modules.devname' ? -1 : 0);
        report.push(`${f}: ${lines(ours).length} lines, same set; ${ours === theirs ? 'byte-identical' : 'order differs'}`);
        expect(ours, `${f} byte for byte`).toBe(theirs);
      }
      console.log(`subset of ${chosen.length} modules:\n  ${report.join('\n  ')}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
