// `update --all`, the Debian postinst.d/postrm.d hooks and the configuration files, with real builds of
// the fixture kernel through bin/mkinitramfs-ts.cjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/cpio/newc-reader.js';
import { COMMAND, ENTRY, REPO, buildDist, makeSysroot } from '../support/real-sysroot.js';

let sys: ReturnType<typeof makeSysroot>;
const BROKEN = '6.1.0-0-broken';

beforeAll(() => {
  buildDist();
  sys = makeSysroot();
  // a second "installed" kernel whose modules.dep is garbage: its build must fail on its own
  mkdirSync(join(sys.root, 'usr/lib/modules', BROKEN), { recursive: true });
  writeFileSync(join(sys.root, 'usr/lib/modules', BROKEN, 'modules.dep'), 'this is: not: a modules.dep\n\0\0\0');
  writeFileSync(join(sys.root, 'boot', `vmlinuz-${BROKEN}`), 'not a kernel');
  writeFileSync(join(sys.root, 'boot', `initrd.img-${BROKEN}`), 'OLD IMAGE');
});
afterAll(() => sys?.remove());

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [ENTRY, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });

const segments = async (path: string) => readImageFile(path);

describe('update --all', () => {
  it('rebuilds every installed kernel; one failure leaves its old image and the others are still built', async () => {
    const dry = run(['update', '--all', '--dry-run', '--sysroot', sys.root]);
    expect(dry.status).toBe(0);
    expect(dry.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual([BROKEN, sys.kver]);

    const r = run(['update', '--all', '--sysroot', sys.root]);
    const good = join(sys.root, 'boot', `initrd.img-${sys.kver}`);
    expect(r.stderr).toMatch(new RegExp(`^mkinitramfs-ts: ${sys.kver.replace(/\./g, '\\.')}: ok ${good} \\(\\d+\\.\\d MiB, `, 'm'));
    expect(r.stderr).toMatch(new RegExp(`^mkinitramfs-ts: error: ${BROKEN}: FAILED \\(exit \\d+\\)`, 'm'));
    expect(r.stderr).toMatch(/1 of 2 kernels failed \(6\.1\.0-0-broken\)/);
    expect(r.status).not.toBe(0);
    expect(r.status).toBeLessThan(16);
    expect((await segments(good)).flatMap((s) => s.entries).some((e) => e.path === 'init')).toBe(true);
    expect(statSync(good).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(sys.root, 'boot', `initrd.img-${BROKEN}`), 'utf8')).toBe('OLD IMAGE');
  });
});

describe('configuration files in the sysroot', () => {
  it('are read by a real build, and flags override them', async () => {
    const conf = join(sys.root, 'etc/mkinitramfs-ts.conf.d');
    mkdirSync(conf, { recursive: true });
    writeFileSync(join(conf, '50-test.conf'), 'compress = "gzip"\ninstall_items = ["/usr/bin/cmp"]\n');
    try {
      const out = join(sys.root, 'boot', 'configured.img');
      const r = run(['build', '--sysroot', sys.root, '-k', sys.kver, '-o', out, '-f']);
      expect(r.status, r.stderr).toBe(0);
      expect([...readFileSync(out).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
      expect((await segments(out)).flatMap((s) => s.entries).some((e) => e.path === 'usr/bin/cmp')).toBe(true);

      const flagged = run(['build', '--sysroot', sys.root, '-k', sys.kver, '-o', out, '-f', '--compress', 'zstd']);
      expect(flagged.status, flagged.stderr).toBe(0);
      expect([...readFileSync(out).subarray(0, 4)]).toEqual([0x28, 0xb5, 0x2f, 0xfd]);

      writeFileSync(join(conf, '60-bad.conf'), '\n\nroot_timeout = "soon"\n');
      const bad = run(['build', '--sysroot', sys.root, '-k', sys.kver, '-o', out, '-f']);
      expect(bad.status).toBe(9);
      expect(bad.stderr).toBe(`mkinitramfs-ts: ${conf}/60-bad.conf:3: root_timeout: must be a whole number of seconds, without quotes (got "soon")\n`);
    } finally {
      spawnSync('rm', ['-rf', conf]);
    }
  });
});

describe('Debian kernel hooks with real builds', () => {
  it('postinst.d builds /boot/initrd.img-KVER, postrm.d removes it', async () => {
    const image = join(sys.root, 'boot', `initrd.img-${sys.kver}`);
    spawnSync('rm', ['-f', image]);
    const env = {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      MKINITRAMFS_TS: COMMAND,
      MKINITRAMFS_TS_ARGS: `--sysroot ${sys.root} --quiet`,
      MKINITRAMFS_TS_BOOT_DIR: join(sys.root, 'boot'),
      DEB_MAINT_PARAMS: "'configure' ''",
      INITRD: 'Yes',
    };
    const post = spawnSync(join(REPO, 'kernel-hooks/postinst.d/mkinitramfs-ts'), [sys.kver, join(sys.root, 'boot', `vmlinuz-${sys.kver}`)], { encoding: 'utf8', env });
    expect(post.status, post.stderr).toBe(0);
    expect(post.stdout).toBe('');
    expect((await segments(image)).flatMap((s) => s.entries).some((e) => e.path === 'init')).toBe(true);

    const rm = spawnSync(join(REPO, 'kernel-hooks/postrm.d/mkinitramfs-ts'), [sys.kver], { encoding: 'utf8', env: { ...env, DEB_MAINT_PARAMS: "'remove'" } });
    expect(rm.status, rm.stderr).toBe(0);
    expect(existsSync(image)).toBe(false);
    expect(existsSync(join(sys.root, 'boot', `vmlinuz-${sys.kver}`))).toBe(true);
  });
});
