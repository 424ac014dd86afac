// /etc/kernel/postinst.d and postrm.d hooks, with a stand-in build command: which build they run,
// and that they fail the kernel package only when the kernel is left without any initramfs.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, testdir } from '../config/testdir.js';
import { HOOKS, runHook } from './hook-runner.js';

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
    expect(r.calls).toEqual([['build', '--force', '--fallback-generic', '--kver', KVER, '--output', join(dir, `initrd.img-${KVER}`), '--no-uki', '--quiet']]);
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

  it('a failed build that leaves the previous image of KVER in place warns and succeeds: the old image boots', () => {
    const dir = testdir();
    writeFileSync(join(dir, `initrd.img-${KVER}`), 'OLD');
    const r = runHook(dir, 'postinst.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: dir, DEB_MAINT_PARAMS: "'configure' ''", STUB_EXIT: '13' });
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(1);
    expect(readFileSync(join(dir, `initrd.img-${KVER}`), 'utf8')).toBe('OLD');
    expect(r.stderr).toContain(`mkinitramfs-ts: warning: no new initramfs for ${KVER} (exit 13, see above): the previous ${dir}/initrd.img-${KVER} stays in use\n`);
  });

  it.each([
    ['no image', undefined, "'configure' '6.1.99-1'", 'dpkg --configure -a'],
    ['only an empty file', '', "'configure' '6.1.99-1'", 'dpkg --configure -a'],
    ['no image, run by hand', undefined, undefined, `postinst.d/mkinitramfs-ts ${KVER}`],
  ])('a failed build with %s for KVER fails with the build status and one line saying what to do', (_what, old, params, retry) => {
    const dir = testdir();
    if (old !== undefined) writeFileSync(join(dir, `initrd.img-${KVER}`), old);
    const env: Record<string, string> = { MKINITRAMFS_TS_BOOT_DIR: dir, STUB_EXIT: '12' };
    if (params) env['DEB_MAINT_PARAMS'] = params;
    const r = runHook(dir, 'postinst.d/mkinitramfs-ts', [KVER], env);
    expect(r.status).toBe(12);
    const last = r.stderr.trim().split('\n').pop() ?? '';
    expect(last).toMatch(new RegExp(`^mkinitramfs-ts: error: ${KVER.replace(/\./g, '\\.')} has no initramfs \\(exit 12\\): fix the error above, then run: .*${retry.replace(/\./g, '\\.')}$`));
  });

  it.each([
    ['its command is not on PATH', 'mkinitramfs-ts-not-installed'],
    ['its script is gone (node /path/bin/mkinitramfs-ts.cjs)', `${process.execPath} /nonexistent/bin/mkinitramfs-ts.cjs`],
  ])('succeeds with a note, building nothing, when the program was removed (%s)', (_what, command) => {
    const dir = testdir();
    const r = runHook(dir, 'postinst.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: dir, DEB_MAINT_PARAMS: "'configure' ''", MKINITRAMFS_TS: command });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stderr).toContain(`mkinitramfs-ts: note: '${command}' is not installed: no initramfs built for ${KVER}`);
  });
});

describe('DEB_MAINT_PARAMS', () => {
  it.each([
    ["'configure' '6.1.99-1'", 1],
    ['configure 6.1.99-1', 1],
    ["'abort-upgrade' 'configure'", 0],
    ["'configure' $(touch PWNED) `touch PWNED`; touch PWNED", 1],
    ["'configure' '*' \"PWNED\" ; touch PWNED", 1],
    ["$(touch PWNED)", 0],
  ])('%s: only the action word is read, nothing in it is run', (params, builds) => {
    const dir = testdir();
    const r = runHook(dir, 'postinst.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: dir, DEB_MAINT_PARAMS: params }, dir);
    expect(r.status).toBe(0);
    expect(r.calls).toHaveLength(builds);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
    const rm = runHook(dir, 'postrm.d/mkinitramfs-ts', [KVER], { MKINITRAMFS_TS_BOOT_DIR: dir, DEB_MAINT_PARAMS: params.replace('configure', 'remove') }, dir);
    expect(rm.status).toBe(0);
    expect(existsSync(join(dir, 'PWNED'))).toBe(false);
  });
});

describe('the hooks share their functions word for word', () => {
  const block = (file: string, name: string): string => {
    const text = readFileSync(join(HOOKS, file), 'utf8');
    const m = new RegExp(`^# >>> shared: ${name}\\b[^\\n]*\\n[\\s\\S]*?^# <<< shared: ${name}$`, 'm').exec(text);
    expect(m, `${file}: shared block ${name}`).not.toBeNull();
    return m?.[0] ?? '';
  };
  it.each([
    ['build_initrd', 'postinst.d/mkinitramfs-ts', '50-mkinitramfs-ts.install'],
    ['deb_action', 'postinst.d/mkinitramfs-ts', 'postrm.d/mkinitramfs-ts'],
  ])('%s: %s and %s', (name, a, b) => {
    expect(block(a, name)).toBe(block(b, name));
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
