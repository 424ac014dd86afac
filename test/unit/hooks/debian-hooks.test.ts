// /etc/kernel/postinst.d and postrm.d hooks, with a stand-in build command.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, testdir } from '../config/testdir.js';
import { runHook } from './hook-runner.js';

afterEach(cleanup);

const KVER = '6.1.0-99-amd64';

describe('postinst.d/mkinitramfs-ts', () => {
  it('builds BOOT_DIR/initrd.img-KVER with --force, and writes to stderr only', () => {
    const dir = testdir();
    const r = runHook(dir, 'postinst.d/mkinitramfs-ts', [KVER, `/boot/vmlinuz-${KVER}`], {
      MKINITRAMFS_TS_BOOT_DIR: dir,
      DEB_MAINT_PARAMS: "'configure' '6.1.99-1'",
      MKINITRAMFS_TS_ARGS: '--quiet',
    });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([['build', '--force', '--kver', KVER, '--output', join(dir, `initrd.img-${KVER}`), '--quiet']]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`building ${dir}/initrd.img-${KVER}`);
  });

  it.each([
    ['INITRD=No', { INITRD: 'No' }],
    ['the maintainer script was not called with configure', { DEB_MAINT_PARAMS: "'abort-upgrade' '6.1.98-1'" }],
  ])('does nothing when %s', (_what, env) => {
    const dir = testdir();
    const r = runHook(dir, 'postinst.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: dir, ...env });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
  });

  it('builds when run by hand (no DEB_MAINT_PARAMS) and with INITRD=Yes', () => {
    const dir = testdir();
    expect(runHook(dir, 'postinst.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: dir, INITRD: 'Yes' }).calls).toHaveLength(1);
  });

  it('fails with the build', () => {
    const dir = testdir();
    expect(runHook(dir, 'postinst.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: dir, STUB_EXIT: '12' }).status).toBe(12);
  });
});

describe('postrm.d/mkinitramfs-ts', () => {
  const files = [`initrd.img-${KVER}`, `initrd.img-${KVER}.bak`, `.initrd.img-${KVER}.1234.abcd1234.tmp`, 'initrd.img-5.10.0-1-amd64', `vmlinuz-${KVER}`];

  it('removes the image, its .bak and leftover temp files of that kernel only', () => {
    const dir = testdir();
    for (const f of files) writeFileSync(join(dir, f), 'x');
    const r = runHook(dir, 'postrm.d/mkinitramfs-ts', [KVER, `/boot/vmlinuz-${KVER}`], { MKINITRAMFS_TS_BOOT_DIR: dir, DEB_MAINT_PARAMS: "'remove'" });
    expect(r.status).toBe(0);
    expect(readdirSync(dir).filter((f) => f !== 'fake-mkinitramfs-ts').sort()).toEqual(['initrd.img-5.10.0-1-amd64', `vmlinuz-${KVER}`]);
    expect(r.stderr).toContain(`removing ${dir}/initrd.img-${KVER}`);
  });

  it('does nothing for an upgrade, and succeeds when there is nothing to remove', () => {
    const dir = testdir();
    writeFileSync(join(dir, `initrd.img-${KVER}`), 'x');
    expect(runHook(dir, 'postrm.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: dir, DEB_MAINT_PARAMS: "'upgrade' '6.1.99-2'" }).status).toBe(0);
    expect(existsSync(join(dir, `initrd.img-${KVER}`))).toBe(true);
    const empty = testdir();
    expect(runHook(empty, 'postrm.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: join(empty, 'none') }).status).toBe(0);
  });
});
