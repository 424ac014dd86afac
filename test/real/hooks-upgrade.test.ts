// A kernel upgrade through the real Debian postinst.d hook running the real CLI (bin/ → dist/), with the
// real Debian kernels of the fixtures: the -cloud and -rt flavours on this very host (sysroot /, its
// live /sys: host-only though neither is the running kernel), and on the fixture sysroot the failures
// the hook must survive or report: host-only impossible (no /sys there) → generic; both impossible
// (the cloud kernel has no ahci module) with the previous image in place → success; without it →
// failure with one line; the program gone → success with a note. And the same hook inside a real
// chroot (as when an image is prepared with mmdebstrap): generic, saying why. Images go to temporary
// directories (or the throw-away sysroot's own /boot).
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/cpio/newc-reader.js';
import { COMMAND, REPO, addKernel, buildDist, fixtureKernel, makeSysroot } from '../support/real-sysroot.js';

const HOOK = join(REPO, 'kernel-hooks/postinst.d/mkinitramfs-ts');
const HOST_RECORD = 'etc/mkinitramfs-ts/host.json';
let sys: ReturnType<typeof makeSysroot>;
let cloud: ReturnType<typeof fixtureKernel>;
const temps: string[] = [];

beforeAll(() => {
  buildDist();
  sys = makeSysroot();
  cloud = fixtureKernel('kernel-cloud');
  addKernel(sys.root, cloud);
});
afterAll(() => {
  sys?.remove();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function bootDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mkits-upgrade-'));
  temps.push(dir);
  return dir;
}

/** The hook as a kernel package's postinst runs it: "configure", a minimal PATH, nothing else inherited. */
function postinst(kver: string, boot: string, env: Record<string, string>) {
  return spawnSync(HOOK, [kver, `/boot/vmlinuz-${kver}`], {
    encoding: 'utf8',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', MKINITRAMFS_TS: COMMAND, MKINITRAMFS_TS_BOOT_DIR: boot, DEB_MAINT_PARAMS: "'configure' ''", ...env },
  });
}

async function paths(image: string): Promise<string[]> {
  return (await readImageFile(image)).flatMap((s) => s.entries.map((e) => e.path));
}

// each case runs one or two real builds: seconds alone, more on a loaded machine
const REAL_BUILDS = { timeout: 300_000 };

describe('postinst.d on this host (sysroot /): a new kernel that is not the running one', REAL_BUILDS, () => {
  it.each(['kernel-cloud', 'kernel-rt'])('%s gets a host-only image, built for that kernel, by default', async (name) => {
    const k = fixtureKernel(name);
    expect(k.kver).not.toBe(release());
    const boot = bootDir();
    const r = postinst(k.kver, boot, { MKINITRAMFS_TS_ARGS: `--kmoddir ${k.modules}` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/generic|host-only build .* failed/);
    expect(r.stderr).toMatch(new RegExp(`wrote ${boot}/initrd\\.img-${k.kver.replace(/\./g, '\\.')} \\([\\d.]+ MiB, \\w+, host-only, `));
    const image = join(boot, `initrd.img-${k.kver}`);
    const inside = await paths(image);
    expect(inside).toContain(HOST_RECORD);
    expect(inside.some((p) => p.startsWith(`usr/lib/modules/${k.kver}/`))).toBe(true);
    const record = (await readImageFile(image)).flatMap((s) => s.entries).find((e) => e.path === HOST_RECORD);
    expect(JSON.parse(record?.data.toString('utf8') ?? '{}')).toMatchObject({ kver: k.kver, cmdline: expect.stringMatching(/^root=/) });
  });
});

describe('postinst.d when builds fail (fixture sysroot)', REAL_BUILDS, () => {
  it('host-only impossible (the sysroot has no /sys): warns, builds a generic image, succeeds', async () => {
    const boot = bootDir();
    const r = postinst(sys.kver, boot, { MKINITRAMFS_TS_ARGS: `--sysroot ${sys.root} -H` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`mkinitramfs-ts: warning: the host-only build for ${sys.kver} failed (/sys/devices: not found`);
    expect(r.stderr).toContain('building a generic image instead');
    expect(r.stderr).toMatch(/wrote .* \([\d.]+ MiB, \w+, generic, /);
    const inside = await paths(join(boot, `initrd.img-${sys.kver}`));
    expect(inside).toContain('init');
    expect(inside).not.toContain(HOST_RECORD);
  });

  it('host-only and generic both impossible, previous image in place: it stays, a warning, success', () => {
    const boot = bootDir();
    const image = join(boot, `initrd.img-${cloud.kver}`);
    writeFileSync(image, 'PREVIOUS IMAGE');
    const r = postinst(cloud.kver, boot, { MKINITRAMFS_TS_ARGS: `--sysroot ${sys.root} -H --add-drivers ahci` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: the host-only build for ${cloud.kver} failed`);
    expect(r.stderr).toContain(`mkinitramfs-ts: warning: no new initramfs for ${cloud.kver} (exit `);
    expect(r.stderr).toContain(`the previous ${image} stays in use`);
    expect(readFileSync(image, 'utf8')).toBe('PREVIOUS IMAGE');
  });

  it('both impossible and no image for the kernel: fails with the build status and one line saying what to do', () => {
    const boot = bootDir();
    const r = postinst(cloud.kver, boot, { MKINITRAMFS_TS_ARGS: `--sysroot ${sys.root} -H --add-drivers ahci` });
    expect(r.status).toBeGreaterThan(0);
    expect(r.status).toBeLessThan(16);
    expect(r.stderr.trim().split('\n').pop()).toBe(
      `mkinitramfs-ts: error: ${cloud.kver} has no initramfs (exit ${r.status}): fix the error above, then run: dpkg --configure -a`,
    );
    expect(existsSync(join(boot, `initrd.img-${cloud.kver}`))).toBe(false);
  });

  it('the program removed (hooks left behind): a note, nothing built, success', () => {
    const boot = bootDir();
    const gone = `${process.execPath} ${join(bootDir(), 'bin/mkinitramfs-ts.cjs')}`;
    const r = postinst(sys.kver, boot, { MKINITRAMFS_TS: gone, MKINITRAMFS_TS_ARGS: `--sysroot ${sys.root}` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`mkinitramfs-ts: note: '${gone}' is not installed: no initramfs built for ${sys.kver}`);
    expect(existsSync(join(boot, `initrd.img-${sys.kver}`))).toBe(false);
  });
});

describe('postinst.d inside a chroot (sysroot / there, but not the host\'s root)', REAL_BUILDS, () => {
  it('builds a generic image and says why in one line', async () => {
    // the throw-away sysroot becomes the chroot: this checkout and this node (hard links) inside it,
    // /proc mounted so that the chroot can be told (a chroot without /proc is generic for that reason)
    const opt = join(sys.root, 'opt/mkits');
    mkdirSync(opt, { recursive: true });
    execFileSync('cp', ['-al', ...['bin', 'dist', 'modules.d', 'kernel-hooks', 'package.json'].map((f) => join(REPO, f)), opt]);
    linkSync(process.execPath, join(sys.root, 'usr/local/bin/node'));
    execFileSync('mount', ['-t', 'proc', 'proc', join(sys.root, 'proc')]);
    let r: SpawnSyncReturns<string>;
    try {
      r = spawnSync('chroot', [sys.root, '/opt/mkits/kernel-hooks/postinst.d/mkinitramfs-ts', sys.kver, `/boot/vmlinuz-${sys.kver}`], {
        encoding: 'utf8',
        env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', MKINITRAMFS_TS: '/usr/local/bin/node /opt/mkits/bin/mkinitramfs-ts.cjs', DEB_MAINT_PARAMS: "'configure' ''" },
      });
    } finally {
      execFileSync('umount', [join(sys.root, 'proc')]);
    }
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("mkinitramfs-ts: generic image: running in a chroot (/ is not PID 1's root), so /sys describes another system (-H to build host-only anyway)\n");
    expect(r.stderr).not.toContain('host-only build');
    expect(r.stderr).toMatch(/wrote \/boot\/initrd\.img-\S+ \([\d.]+ MiB, \w+, generic, /);
    const inside = await paths(join(sys.root, 'boot', `initrd.img-${sys.kver}`));
    expect(inside).toContain('init');
    expect(inside).not.toContain(HOST_RECORD);
  });
});
