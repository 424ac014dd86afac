// The package as users get it: `npm pack`, a global install into a temporary prefix, and the
// installed command, man page, completion and hooks. (`npm pack --ignore-scripts`: dist/ is compiled
// once in beforeAll instead of by the prepare script.)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, buildDist } from '../support/real-sysroot.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
let work: string;
let tarball: string;
let prefix: string;
let installed: string;

beforeAll(() => {
  buildDist();
  work = mkdtempSync(join(tmpdir(), 'mkits-pack-'));
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, encoding: 'utf8' });
  tarball = join(work, (JSON.parse(out) as { filename: string }[])[0]?.filename ?? '');
  prefix = join(work, 'prefix');
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: work, stdio: 'pipe' });
  installed = join(prefix, 'lib/node_modules', pkg.name);
}, 300_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack and a global install', () => {
  it('names the tarball after the package and ships no sources or tests', () => {
    expect(tarball.endsWith(`${pkg.name}-${pkg.version}.tgz`)).toBe(true);
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(files.filter((f) => f.startsWith('package/bin/') || f.startsWith('package/dist/')).sort()).toEqual(['package/bin/mkinitramfs-ts.cjs', 'package/dist/mkinitramfs-ts.cjs']);
    expect(files.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toBe(false);
  });

  it('installs no dependencies: everything the command loads is in the bundle', () => {
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
  });

  it('runs the installed command: --version and --help list the commands', () => {
    const bin = join(prefix, 'bin/mkinitramfs-ts');
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
    const help = execFileSync(bin, ['--help'], { encoding: 'utf8' });
    for (const cmd of ['build', 'update', 'install-hooks', 'modules']) expect(help).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
  });

  it('installs the man page where man finds it, the completion and executable hooks', () => {
    expect(existsSync(join(prefix, 'share/man/man8/mkinitramfs-ts.8'))).toBe(true);
    const man = spawnSync('man', ['-M', join(prefix, 'share/man'), '8', 'mkinitramfs-ts'], { encoding: 'utf8', env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat' } });
    expect(man.stdout).toContain('KERNEL HOOKS');
    expect(existsSync(join(installed, 'completion/mkinitramfs-ts.bash'))).toBe(true);
    for (const hook of ['kernel-hooks/50-mkinitramfs-ts.install', 'kernel-hooks/postinst.d/mkinitramfs-ts', 'kernel-hooks/postrm.d/mkinitramfs-ts'])
      expect(statSync(join(installed, hook)).mode & 0o111, hook).toBe(0o111);
  });

  it('the installed copy installs its hooks, pointing at itself', () => {
    const root = join(work, 'target');
    mkdirSync(root);
    const r = spawnSync(join(prefix, 'bin/mkinitramfs-ts'), ['install-hooks', '--sysroot', root, '--debian-hooks', '--command', `${process.execPath} ${installed}/bin/mkinitramfs-ts.cjs`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const plugin = readFileSync(join(root, 'etc/kernel/install.d/50-mkinitramfs-ts.install'), 'utf8');
    expect(plugin).toContain(`MKINITRAMFS_TS_DEFAULT='${process.execPath} ${installed}/bin/mkinitramfs-ts.cjs'`);
    expect(existsSync(join(root, 'etc/kernel/postrm.d/mkinitramfs-ts'))).toBe(true);
  });
});
