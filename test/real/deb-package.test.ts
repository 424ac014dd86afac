// `npm run deb` (scripts/build-deb.sh): the .deb holds what a Debian system needs, in the right places,
// with the control fields a kernel package's `linux-initramfs-tool` dependency and apt need; it is
// reproducible; its hooks are kernel-hooks/ with only the default command changed; its configuration file
// documents every key and is valid as it ships; and the program as unpacked from it — without
// node_modules — runs a build that reads that configuration file.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildSysroot, kver } from '../support/fixtures.js';
import { REPO } from '../support/real-sysroot.js';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const DEB = join(REPO, `dist/mkinitramfs-ts_${VERSION}_all.deb`);
let scratch = '';
let root = '';

function buildDeb(env: NodeJS.ProcessEnv = {}): Buffer {
  execFileSync('bash', [join(REPO, 'scripts/build-deb.sh')], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(DEB);
}

const field = (control: string, name: string): string => new RegExp(`^${name}: (.*)$`, 'm').exec(control)?.[1] ?? '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mkits-deb-'));
  buildDeb();
  root = join(scratch, 'root');
  execFileSync('dpkg-deb', ['-x', DEB, root]);
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the Debian package', () => {
  it('is reproducible: the same bytes from another temp dir and umask, and SOURCE_DATE_EPOCH in every mtime', () => {
    const first = readFileSync(DEB);
    const again = execFileSync('bash', ['-c', `umask 077; TMPDIR=${scratch} bash scripts/build-deb.sh >/dev/null; cat ${DEB}`], { cwd: REPO, maxBuffer: 64 << 20 });
    expect(again.equals(first)).toBe(true);
    const epoch = 1_600_000_000;
    buildDeb({ SOURCE_DATE_EPOCH: String(epoch) });
    const listing = execFileSync('dpkg-deb', ['--fsys-tarfile', DEB]);
    const mtimes = new Set(execFileSync('tar', ['-tv', '--full-time', '--numeric-owner'], { input: listing, encoding: 'utf8' }).trim().split('\n').map((l) => l.split(/\s+/).slice(3, 5).join(' ')));
    expect([...mtimes]).toEqual([new Date(epoch * 1000).toISOString().replace('T', ' ').replace('.000Z', '')]);
    const owners = new Set(execFileSync('tar', ['-tv', '--numeric-owner'], { input: listing, encoding: 'utf8' }).trim().split('\n').map((l) => l.split(/\s+/)[1]));
    expect([...owners]).toEqual(['0/0']);
    buildDeb();
  }, 120_000);

  it('declares what apt and the kernel packages need', () => {
    const control = execFileSync('dpkg-deb', ['-f', DEB], { encoding: 'utf8' });
    expect(field(control, 'Package')).toBe('mkinitramfs-ts');
    expect(field(control, 'Version')).toBe(VERSION);
    expect(field(control, 'Architecture')).toBe('all');
    // linux-image-* depends on "initramfs-tools | linux-initramfs-tool"
    expect(field(control, 'Provides')).toBe('linux-initramfs-tool');
    expect(field(control, 'Conflicts').split(', ')).toContain('initramfs-tools');
    expect(field(control, 'Depends').split(', ')).toEqual(expect.arrayContaining(['nodejs (>= 18)', 'kmod', 'zstd', 'xz-utils']));
    const conffiles = execFileSync('bash', ['-c', `dpkg-deb --ctrl-tarfile ${DEB} | tar -xO ./conffiles`], { encoding: 'utf8' });
    expect(conffiles.trim().split('\n').sort()).toEqual(['/etc/kernel/postinst.d/mkinitramfs-ts', '/etc/kernel/postrm.d/mkinitramfs-ts', '/etc/mkinitramfs-ts.conf']);
  });

  it('installs the program, the command, the hooks, the man page and the completion', () => {
    const files = execFileSync('dpkg-deb', ['-c', DEB], { encoding: 'utf8' });
    for (const path of [
      '/usr/lib/mkinitramfs-ts/dist/mkinitramfs-ts.cjs',
      '/usr/lib/mkinitramfs-ts/bin/mkinitramfs-ts.cjs',
      '/usr/lib/mkinitramfs-ts/modules.d/base/init.sh',
      '/usr/lib/mkinitramfs-ts/package.json',
      '/usr/bin/mkinitramfs-ts -> ../lib/mkinitramfs-ts/bin/mkinitramfs-ts.cjs',
      '/usr/share/man/man8/mkinitramfs-ts.8.gz',
      '/usr/share/bash-completion/completions/mkinitramfs-ts',
      '/usr/share/doc/mkinitramfs-ts/copyright',
    ])
      expect(files).toContain(`.${path}`);
    expect(files).not.toMatch(/\.cache$|node_modules/m);
    for (const exe of ['usr/lib/mkinitramfs-ts/bin/mkinitramfs-ts.cjs', 'etc/kernel/postinst.d/mkinitramfs-ts', 'etc/kernel/postrm.d/mkinitramfs-ts', 'usr/lib/kernel/install.d/50-mkinitramfs-ts.install'])
      expect(statSync(join(root, exe)).mode & 0o777, exe).toBe(0o755);
    expect(gunzipSync(readFileSync(join(root, 'usr/share/man/man8/mkinitramfs-ts.8.gz'))).equals(readFileSync(join(REPO, 'man/mkinitramfs-ts.8')))).toBe(true);
    // every feature module, as in the checkout
    const features = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(features(join(root, 'usr/lib/mkinitramfs-ts/modules.d'))).toEqual(features(join(REPO, 'modules.d')));
  });

  it('ships the hooks of kernel-hooks/ with /usr/bin/mkinitramfs-ts as the command they run by default, nothing else changed', () => {
    const hooks: [string, string][] = [
      ['postinst.d/mkinitramfs-ts', 'etc/kernel/postinst.d/mkinitramfs-ts'],
      ['postrm.d/mkinitramfs-ts', 'etc/kernel/postrm.d/mkinitramfs-ts'],
      ['50-mkinitramfs-ts.install', 'usr/lib/kernel/install.d/50-mkinitramfs-ts.install'],
    ];
    let runners = 0;
    for (const [source, installed] of hooks) {
      const original = readFileSync(join(REPO, 'kernel-hooks', source), 'utf8');
      const shipped = readFileSync(join(root, installed), 'utf8');
      const placeholder = "MKINITRAMFS_TS_DEFAULT='mkinitramfs-ts'";
      if (original.includes(placeholder)) runners++;
      expect(shipped).toBe(original.replace(placeholder, "MKINITRAMFS_TS_DEFAULT='/usr/bin/mkinitramfs-ts'"));
    }
    expect(runners, 'hooks that run the command').toBeGreaterThan(0);
  });

  it('/etc/mkinitramfs-ts.conf documents every configuration key and, all commented out, is valid', () => {
    const conf = join(root, 'etc/mkinitramfs-ts.conf');
    const text = readFileSync(conf, 'utf8');
    for (const { key } of CONFIG_KEYS) expect(text, key).toMatch(new RegExp(`^#${key} = `, 'm'));
    expect(loadConfig({ sysroot: '/nonexistent', conf })).toMatchObject({ errors: [], warnings: [] });
    // each example, uncommented, is a valid setting too
    const examples = text.split('\n').filter((l) => /^#[a-z_]+ = /.test(l)).map((l) => l.slice(1));
    const uncommented = join(scratch, 'examples.conf');
    execFileSync('tee', [uncommented], { input: `${examples.join('\n')}\n`, stdio: ['pipe', 'ignore', 'inherit'] });
    expect(loadConfig({ sysroot: '/nonexistent', conf: uncommented }).errors).toEqual([]);
  });

  it('the unpacked program runs without node_modules: a dry-run build that reads the packaged configuration file', () => {
    const command = join(root, 'usr/lib/mkinitramfs-ts/bin/mkinitramfs-ts.cjs');
    const args = ['build', '-N', '--sysroot', buildSysroot(), '--kver', kver(), '--conf', join(root, 'etc/mkinitramfs-ts.conf'), '--dry-run', '-q'];
    const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^file +\/init /m);
    // the feature modules came from the package, not from this checkout
    const features = spawnSync(command, ['modules'], { encoding: 'utf8' });
    expect(features.status, features.stderr).toBe(0);
    expect(features.stdout).toMatch(/^base /m);
  }, 120_000);
});
