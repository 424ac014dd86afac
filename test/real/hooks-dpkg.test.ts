// The Debian hooks under real dpkg: a real Debian kernel package (the -rt flavour, whose maintainer
// scripts run depmod, linux-update-symlinks and run-parts /etc/kernel/postinst.d) installed with
// `dpkg -i` inside a throw-away chroot of the fixture Debian root, with our hooks put there by the real
// `install-hooks`. Nothing runs maintainer scripts on this machine itself. Shows that dpkg is left
// half-configured only when the kernel has no initramfs at all, that the advice the hook prints then
// (`dpkg --configure -a`) works, that a failed rebuild keeps the previous image and the package
// configured, that hooks left behind by a removed program do not fail dpkg, and that purge removes
// the image. Builds are generic here: the chroot is not the host's root.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/cpio/newc-reader.js';
import { FIXTURES, debianRoot } from '../support/fixtures.js';
import { ENTRY, REPO, buildDist, fixtureKernel } from '../support/real-sysroot.js';

const DEBS = join(FIXTURES, 'debs-hooks');
const COMMAND_INSIDE = '/usr/local/bin/node /opt/mkits/bin/mkinitramfs-ts.cjs';
const CONF = '/etc/mkinitramfs-ts.conf';
let work: string;
let root: string;
let procMounted = false;
let kernel: ReturnType<typeof fixtureKernel>;
let kernelDeb: string;

/** linux-base and the fixture's -rt kernel package, downloaded once (apt-get download) into DEBS. */
function fetchDebs(kver: string): { kernelDeb: string; baseDeb: string } {
  const find = (prefix: string) => (existsSync(DEBS) ? readdirSync(DEBS).find((f) => f.startsWith(prefix) && f.endsWith('.deb')) : undefined);
  if (!find(`linux-image-${kver}_`) || !find('linux-base_')) {
    const named = readFileSync(join(kernel.dir, '.deb'), 'utf8').trim(); // linux-image-KVER_VERSION_amd64.deb
    const version = /^linux-image-[^_]+_([^_]+)_/.exec(named)?.[1];
    const tmp = mkdtempSync(join(FIXTURES, '.debs-hooks-'));
    execFileSync('apt-get', ['download', `linux-image-${kver}${version ? `=${version}` : ''}`, 'linux-base'], { cwd: tmp, stdio: 'pipe' });
    rmSync(DEBS, { recursive: true, force: true });
    renameSync(tmp, DEBS);
  }
  return { kernelDeb: find(`linux-image-${kver}_`) as string, baseDeb: find('linux-base_') as string };
}

/** A package that provides linux-initramfs-tool, as the mkinitramfs-ts package does (the kernel depends on one). */
function providerDeb(dest: string): void {
  const dir = join(work, 'provider');
  mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
  writeFileSync(
    join(dir, 'DEBIAN/control'),
    'Package: test-initramfs-provider\nVersion: 1\nArchitecture: all\nMaintainer: tests <tests@example.org>\nProvides: linux-initramfs-tool\nDescription: stands in for the mkinitramfs-ts package\n',
  );
  execFileSync('dpkg-deb', ['--build', dir, dest], { stdio: 'pipe' });
}

function inside(args: string[]) {
  return spawnSync('chroot', [root, ...args], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' } });
}

const status = () => inside(['dpkg-query', '-W', '-f', '${Status}', `linux-image-${kernel.kver}`]).stdout;
const image = () => join(root, 'boot', `initrd.img-${kernel.kver}`);
const output = (r: { stdout: string; stderr: string }) => (r.stdout + r.stderr).split('\n').filter((l) => !l.includes("warning: firmware '")).join('\n');

beforeAll(() => {
  buildDist();
  kernel = fixtureKernel('kernel-rt');
  work = mkdtempSync(join(tmpdir(), 'mkits-dpkg-'));
  root = join(work, 'root');
  const debs = fetchDebs(kernel.kver);
  // the Debian root as hard links; what dpkg and the maintainer scripts rewrite in place (/var, /etc) as copies
  execFileSync('cp', ['-al', '--no-target-directory', debianRoot(), root]);
  for (const d of ['var', 'etc']) {
    rmSync(join(root, d), { recursive: true });
    execFileSync('cp', ['-a', '--no-target-directory', join(debianRoot(), d), join(root, d)]);
  }
  // this checkout and this node, as a package would install them
  const opt = join(root, 'opt/mkits');
  mkdirSync(opt, { recursive: true });
  execFileSync('cp', ['-al', ...['bin', 'dist', 'modules.d', 'kernel-hooks', 'package.json'].map((f) => join(REPO, f)), opt]);
  linkSync(process.execPath, join(root, 'usr/local/bin/node'));
  mkdirSync(join(root, 'tmp/debs'), { recursive: true });
  for (const f of [debs.kernelDeb, debs.baseDeb]) cpSync(join(DEBS, f), join(root, 'tmp/debs', f));
  kernelDeb = `/tmp/debs/${debs.kernelDeb}`;
  providerDeb(join(root, 'tmp/debs/provider.deb'));
  execFileSync(process.execPath, [ENTRY, 'install-hooks', '--sysroot', root, '--debian-hooks', '--command', COMMAND_INSIDE], { stdio: 'pipe' });
  execFileSync('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
  procMounted = true;
  const deps = inside(['dpkg', '-i', '/tmp/debs/provider.deb', `/tmp/debs/${debs.baseDeb}`]);
  if (deps.status !== 0) throw new Error(`dpkg -i provider.deb linux-base in the chroot failed: ${deps.stderr}`);
});
afterAll(() => {
  if (procMounted) execFileSync('umount', [join(root, 'proc')]);
  if (work) rmSync(work, { recursive: true, force: true });
});

// dpkg unpacks ~4000 modules and runs depmod in each install: tens of seconds, more under load
describe('dpkg -i of a real kernel package with the mkinitramfs-ts hooks installed', { timeout: 600_000 }, () => {
  it('the hooks are those install-hooks wrote, running the program installed in the chroot', () => {
    const hook = readFileSync(join(root, 'etc/kernel/postinst.d/mkinitramfs-ts'), 'utf8');
    expect(hook).toContain(`MKINITRAMFS_TS_DEFAULT='${COMMAND_INSIDE}'`);
  });

  it('no initramfs could be built and there is none: the package stays half-configured, the hook says what to do', () => {
    writeFileSync(join(root, CONF), 'add_drivers = ["no_such_module"]\n');
    const r = inside(['dpkg', '-i', kernelDeb]);
    expect(r.status).not.toBe(0);
    expect(output(r)).toContain(`mkinitramfs-ts: error: ${kernel.kver} has no initramfs (exit 5): fix the error above, then run: dpkg --configure -a\n`);
    expect(output(r)).toContain("unknown module or alias 'no_such_module'");
    expect(status()).toBe('install ok half-configured');
    expect(existsSync(image())).toBe(false);
  });

  it('that advice works: with the cause fixed, dpkg --configure -a builds the image and configures the package', async () => {
    rmSync(join(root, CONF));
    const r = inside(['dpkg', '--configure', '-a']);
    expect(r.status, output(r)).toBe(0);
    expect(status()).toBe('install ok installed');
    expect(output(r)).toContain("mkinitramfs-ts: generic image: running in a chroot (/ is not PID 1's root)");
    const paths = (await readImageFile(image())).flatMap((s) => s.entries.map((e) => e.path));
    expect(paths).toContain('init');
    expect(paths.some((p) => p.startsWith(`usr/lib/modules/${kernel.kver}/`) || p.startsWith(`lib/modules/${kernel.kver}/`))).toBe(true);
  });

  it('an upgrade whose build fails keeps the previous image and leaves the package configured, with a warning', () => {
    const before = readFileSync(image());
    writeFileSync(join(root, CONF), 'add_drivers = ["no_such_module"]\n');
    const r = inside(['dpkg', '-i', kernelDeb]);
    expect(r.status, output(r)).toBe(0);
    expect(status()).toBe('install ok installed');
    expect(output(r)).toContain(`mkinitramfs-ts: warning: no new initramfs for ${kernel.kver} (exit 5, see above): the previous /boot/initrd.img-${kernel.kver} stays in use`);
    expect(readFileSync(image()).equals(before)).toBe(true);
    rmSync(join(root, CONF));
  });

  it('mkinitramfs-ts removed but its hooks left behind: reconfiguring the kernel succeeds with a note', () => {
    renameSync(join(root, 'opt/mkits'), join(root, 'opt/mkits.removed'));
    try {
      const r = inside(['dpkg-reconfigure', `linux-image-${kernel.kver}`]);
      expect(r.status, output(r)).toBe(0);
      expect(output(r)).toContain(`mkinitramfs-ts: note: '${COMMAND_INSIDE}' is not installed: no initramfs built for ${kernel.kver}`);
      expect(status()).toBe('install ok installed');
    } finally {
      renameSync(join(root, 'opt/mkits.removed'), join(root, 'opt/mkits'));
    }
  });

  it('purge: the postrm hook removes the image', () => {
    expect(existsSync(image())).toBe(true);
    const r = inside(['dpkg', '--purge', `linux-image-${kernel.kver}`]);
    expect(r.status, output(r)).toBe(0);
    expect(output(r)).toContain(`mkinitramfs-ts: removing /boot/initrd.img-${kernel.kver}`);
    expect(existsSync(image())).toBe(false);
  });
});
