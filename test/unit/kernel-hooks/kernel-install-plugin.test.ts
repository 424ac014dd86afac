// The kernel-install plugin's decisions, with a stand-in build command (the real kernel-install runs
// it in test/real/hooks-kernel-install.test.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, testdir } from '../config/testdir.js';
import { runHook } from './hook-runner.js';

afterEach(cleanup);

const PLUGIN = '50-mkinitramfs-ts.install';
const KVER = '6.1.0-99-amd64';

function setup() {
  const dir = testdir();
  const staging = join(dir, 'staging');
  const entry = join(dir, 'esp/abc/' + KVER);
  const boot = join(dir, 'boot');
  for (const d of [staging, entry, boot]) mkdirSync(d, { recursive: true });
  return { dir, staging, entry, boot };
}

const buildArgs = (target: string, ...extra: string[]) => ['build', '--force', '--fallback-generic', '--kver', KVER, '--output', target, '--no-uki', ...extra];

describe('50-mkinitramfs-ts.install add', () => {
  it('BLS layout with a staging area: builds $KERNEL_INSTALL_STAGING_AREA/initrd', () => {
    const t = setup();
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], { KERNEL_INSTALL_LAYOUT: 'bls', KERNEL_INSTALL_STAGING_AREA: t.staging });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([buildArgs(join(t.staging, 'initrd'))]);
    expect(readFileSync(join(t.staging, 'initrd'), 'utf8')).toBe('IMAGE');
    expect(existsSync(join(t.entry, 'initrd'))).toBe(false);
  });

  it('BLS layout without a staging area (systemd < 251): builds ENTRY_DIR/initrd', () => {
    const t = setup();
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], { KERNEL_INSTALL_LAYOUT: 'bls' });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([buildArgs(join(t.entry, 'initrd'))]);
  });

  it.each(['other', 'compat', ''])('layout %j: builds BOOT_DIR/initrd.img-KVER, not into the staging area', (layout) => {
    const t = setup();
    const env: Record<string, string> = { KERNEL_INSTALL_STAGING_AREA: t.staging, MKINITRAMFS_TS_BOOT_DIR: t.boot };
    if (layout) env['KERNEL_INSTALL_LAYOUT'] = layout;
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], env);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([buildArgs(join(t.boot, `initrd.img-${KVER}`))]);
    expect(existsSync(join(t.staging, 'initrd'))).toBe(false);
  });

  it('layout "uki": builds the whole UKI into the staging area with kernel-install\'s cmdline; another uki_generator gets a bare initrd', () => {
    const t = setup();
    mkdirSync(join(t.dir, 'conf'));
    writeFileSync(join(t.dir, 'conf/cmdline'), 'root=LABEL=r\n  quiet\n');
    const env = { KERNEL_INSTALL_LAYOUT: 'uki', KERNEL_INSTALL_STAGING_AREA: t.staging, KERNEL_INSTALL_CONF_ROOT: join(t.dir, 'conf') };
    // .linux is the KERNEL_IMAGE kernel-install gives, wherever it is
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/usr/lib/modules/KVER/vmlinuz'], env);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([['build', '--force', '--fallback-generic', '--kver', KVER, '--output', join(t.staging, 'uki.efi'), '--uki', '--kernel-cmdline', 'root=LABEL=r quiet', '--kernel-image', '/usr/lib/modules/KVER/vmlinuz']]);
    const u = setup();
    const other = runHook(u.dir, PLUGIN, ['add', KVER, u.entry, '/boot/vmlinuz'], { ...env, KERNEL_INSTALL_STAGING_AREA: u.staging, KERNEL_INSTALL_UKI_GENERATOR: 'ukify' });
    expect(other.calls).toEqual([buildArgs(join(u.staging, 'initrd'))]);
  });

  it('layout "uki" without a staging area: writes and removes $BOOT/EFI/Linux/TOKEN-KVER.efi itself', () => {
    const t = setup();
    const env = { KERNEL_INSTALL_LAYOUT: 'uki', KERNEL_INSTALL_BOOT_ROOT: join(t.dir, 'esp'), KERNEL_INSTALL_ENTRY_TOKEN: 'tok', KERNEL_INSTALL_CONF_ROOT: join(t.dir, 'none') };
    const file = join(t.dir, 'esp/EFI/Linux', `tok-${KVER}.efi`);
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], env);
    expect(r.calls).toEqual([['build', '--force', '--fallback-generic', '--kver', KVER, '--output', file, '--uki', '--kernel-cmdline', '', '--kernel-image', '/boot/vmlinuz']]);
    expect(existsSync(file)).toBe(true);
    expect(runHook(t.dir, PLUGIN, ['remove', KVER, t.entry], env).status).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('passes MKINITRAMFS_TS_ARGS through, split on blanks, and --verbose with KERNEL_INSTALL_VERBOSE=1', () => {
    const t = setup();
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], {
      KERNEL_INSTALL_LAYOUT: 'bls',
      KERNEL_INSTALL_STAGING_AREA: t.staging,
      KERNEL_INSTALL_VERBOSE: '1',
      MKINITRAMFS_TS_ARGS: '--sysroot /srv/root  --compress gzip',
    });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([['build', '--force', '--fallback-generic', '--verbose', '--kver', KVER, '--output', join(t.staging, 'initrd'), '--no-uki', '--sysroot', '/srv/root', '--compress', 'gzip']]);
    expect(r.stdout).toContain('50-mkinitramfs-ts: +');
  });

  it.each([
    ['initrd files given on the command line', ['add', KVER, 'ENTRY', '/boot/vmlinuz', '/boot/my-initrd'], {}],
    ['another initrd generator chosen', ['add', KVER, 'ENTRY', '/boot/vmlinuz'], { KERNEL_INSTALL_INITRD_GENERATOR: 'dracut' }],
    ['a UKI kernel image', ['add', KVER, 'ENTRY', '/boot/vmlinuz'], { KERNEL_INSTALL_IMAGE_TYPE: 'uki' }],
  ])('does nothing when %s', (_what, args, env) => {
    const t = setup();
    const r = runHook(t.dir, PLUGIN, args.map((a) => (a === 'ENTRY' ? t.entry : a)), { KERNEL_INSTALL_LAYOUT: 'bls', KERNEL_INSTALL_STAGING_AREA: t.staging, ...env });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
  });

  it('acts when initrd_generator names it', () => {
    const t = setup();
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], {
      KERNEL_INSTALL_LAYOUT: 'bls',
      KERNEL_INSTALL_STAGING_AREA: t.staging,
      KERNEL_INSTALL_INITRD_GENERATOR: 'mkinitramfs-ts',
    });
    expect(r.calls).toHaveLength(1);
  });

  it('fails with the build when KVER has no initrd at all, so kernel-install stops, saying what to do', () => {
    const t = setup();
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz-x'], { KERNEL_INSTALL_LAYOUT: 'bls', KERNEL_INSTALL_STAGING_AREA: t.staging, STUB_EXIT: '9' });
    expect(r.status).toBe(9);
    expect(r.stderr.trim().split('\n').pop()).toBe(`mkinitramfs-ts: error: ${KVER} has no initramfs (exit 9): fix the error above, then run: kernel-install add ${KVER} /boot/vmlinuz-x`);
    expect(existsSync(join(t.staging, 'initrd'))).toBe(false);
  });

  it('BLS with a staging area: a failed build keeps the entry\'s previous initrd, copied into the staging area, and succeeds', () => {
    const t = setup();
    writeFileSync(join(t.entry, 'initrd'), 'OLD');
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], { KERNEL_INSTALL_LAYOUT: 'bls', KERNEL_INSTALL_STAGING_AREA: t.staging, STUB_EXIT: '13' });
    expect(r.status).toBe(0);
    expect(readFileSync(join(t.staging, 'initrd'), 'utf8')).toBe('OLD');
    expect(readFileSync(join(t.entry, 'initrd'), 'utf8')).toBe('OLD');
    expect(r.stderr).toContain(`mkinitramfs-ts: warning: no new initramfs for ${KVER} (exit 13, see above): the previous ${t.entry}/initrd stays in use`);
  });

  it.each([
    ['bls without a staging area', 'bls', (t: ReturnType<typeof setup>) => join(t.entry, 'initrd')],
    ['other', 'other', (t: ReturnType<typeof setup>) => join(t.boot, `initrd.img-${KVER}`)],
  ])('%s: a failed build leaves the previous image where it was and succeeds', (_what, layout, where) => {
    const t = setup();
    writeFileSync(where(t), 'OLD');
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], { KERNEL_INSTALL_LAYOUT: layout, MKINITRAMFS_TS_BOOT_DIR: t.boot, STUB_EXIT: '15' });
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(1);
    expect(readFileSync(where(t), 'utf8')).toBe('OLD');
    expect(r.stderr).toContain('warning: no new initramfs');
  });

  it('with the program removed, the entry keeps its previous initrd (copied into the staging area)', () => {
    const t = setup();
    writeFileSync(join(t.entry, 'initrd'), 'OLD');
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], { KERNEL_INSTALL_LAYOUT: 'bls', KERNEL_INSTALL_STAGING_AREA: t.staging, MKINITRAMFS_TS: 'mkinitramfs-ts-removed' });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
    expect(readFileSync(join(t.staging, 'initrd'), 'utf8')).toBe('OLD');
  });

  it('succeeds with a note, building nothing, when the program was removed', () => {
    const t = setup();
    const r = runHook(t.dir, PLUGIN, ['add', KVER, t.entry, '/boot/vmlinuz'], { KERNEL_INSTALL_LAYOUT: 'bls', KERNEL_INSTALL_STAGING_AREA: t.staging, MKINITRAMFS_TS: '/usr/bin/mkinitramfs-ts-removed' });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stderr).toContain(`note: '/usr/bin/mkinitramfs-ts-removed' is not installed: no initramfs built for ${KVER}`);
  });
});

describe('50-mkinitramfs-ts.install remove', () => {
  it('BLS: touches nothing (kernel-install removes the entry directory)', () => {
    const t = setup();
    writeFileSync(join(t.entry, 'initrd'), 'x');
    writeFileSync(join(t.boot, `initrd.img-${KVER}`), 'x');
    const r = runHook(t.dir, PLUGIN, ['remove', KVER, t.entry], { KERNEL_INSTALL_LAYOUT: 'bls', MKINITRAMFS_TS_BOOT_DIR: t.boot });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
    expect(existsSync(join(t.entry, 'initrd'))).toBe(true);
    expect(existsSync(join(t.boot, `initrd.img-${KVER}`))).toBe(true);
  });

  it('other layouts: removes the BOOT_DIR/initrd.img-KVER that add built, and only that', () => {
    const t = setup();
    writeFileSync(join(t.boot, `initrd.img-${KVER}`), 'x');
    writeFileSync(join(t.boot, 'initrd.img-5.10.0-1-amd64'), 'x');
    const r = runHook(t.dir, PLUGIN, ['remove', KVER, t.entry], { KERNEL_INSTALL_LAYOUT: 'other', MKINITRAMFS_TS_BOOT_DIR: t.boot });
    expect(r.status).toBe(0);
    expect(existsSync(join(t.boot, `initrd.img-${KVER}`))).toBe(false);
    expect(existsSync(join(t.boot, 'initrd.img-5.10.0-1-amd64'))).toBe(true);
  });
});
