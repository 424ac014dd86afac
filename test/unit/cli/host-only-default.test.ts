// Host-only or generic when no flag and no configuration says: host-only on the running system's own
// root for EVERY installed kernel version (not only the running one) and from a capture; generic, with
// one line saying why, for another root or inside a chroot. The decision is a pure function of probed
// facts (tested directly), the probe is tested against fake /proc trees, and toBuildOptions is tested
// with two kernel versions in a sysroot that the injected facts declare to be the host's own root.
import { Command } from '@commander-js/extra-typings';
import { release } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toBuildOptions, withBuildFlags, type BuildFlagValues } from '../../../src/cli/build-flags.js';
import { defaultHostOnly, probeHostRoot, type HostRootFacts } from '../../../src/cli/host-only-default.js';
import { cleanup, testdir } from '../config/testdir.js';

afterEach(cleanup);

const RUNNING = release();
const OTHER = '6.1.0-57-cloud-amd64';
const facts = (over: Partial<HostRootFacts> = {}): HostRootFacts => ({ sysroot: '/', sysrootIsSlash: true, slash: 'host', capture: false, ...over });

describe('defaultHostOnly', () => {
  it('host-only on the running system itself, saying nothing', () => {
    expect(defaultHostOnly(facts())).toEqual({ hostonly: true });
  });

  it('host-only from a capture, whatever the root', () => {
    expect(defaultHostOnly(facts({ sysroot: '/srv/root', sysrootIsSlash: false, capture: true }))).toEqual({ hostonly: true });
    expect(defaultHostOnly(facts({ slash: 'chroot', capture: true }))).toEqual({ hostonly: true });
  });

  it.each([
    ['another root', facts({ sysroot: '/srv/root', sysrootIsSlash: false }), /^generic image: --sysroot \/srv\/root is not the running system, which host-only detection reads \(-H with --sysfs\/--procfs/],
    ['a chroot', facts({ slash: 'chroot' }), /^generic image: running in a chroot \(\/ is not PID 1's root\), so \/sys describes another system \(-H to build host-only anyway\)$/],
    ['no /proc', facts({ slash: 'no-proc' }), /^generic image: \/proc is not mounted/],
  ])('generic for %s, with one line saying why and how to choose', (_what, f, why) => {
    const d = defaultHostOnly(f);
    expect(d.hostonly).toBe(false);
    expect(d.why).toMatch(why);
    expect(d.why).not.toContain('\n');
  });
});

describe('probeHostRoot', () => {
  it('knows --sysroot / and a link to it from another directory, by device and inode', () => {
    const dir = testdir({ up: { symlink: '/' } });
    expect(probeHostRoot('/', false).sysrootIsSlash).toBe(true);
    expect(probeHostRoot(join(dir, 'up'), false).sysrootIsSlash).toBe(true);
    expect(probeHostRoot(dir, false).sysrootIsSlash).toBe(false);
    expect(probeHostRoot(join(dir, 'missing'), false).sysrootIsSlash).toBe(false);
  });

  const HOST_MOUNTS = '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n27 26 0:5 / /proc rw - proc proc rw\n';
  const CHROOT_MOUNTS = '31 26 0:5 / /proc rw - proc proc rw\n32 26 0:20 / /sys rw - sysfs sysfs rw\n';

  it("tells a chroot by PID 1's root, as systemd-detect-virt --chroot does", () => {
    const proc = testdir({ '1/root': { symlink: '/' }, 'self/mountinfo': CHROOT_MOUNTS });
    expect(probeHostRoot('/', false, proc).slash).toBe('host');
    const chrooted = testdir({ '1/root': { symlink: testdir() }, 'self/mountinfo': HOST_MOUNTS });
    expect(probeHostRoot('/', false, chrooted).slash).toBe('chroot');
  });

  it("where PID 1's root cannot be followed or PID 1 is hidden: by the mount at / in mountinfo", () => {
    const loop = { '1/root': { symlink: 'root' } };
    expect(probeHostRoot('/', false, testdir({ ...loop, 'self/mountinfo': HOST_MOUNTS })).slash).toBe('host');
    expect(probeHostRoot('/', false, testdir({ ...loop, 'self/mountinfo': CHROOT_MOUNTS })).slash).toBe('chroot');
    expect(probeHostRoot('/', false, testdir({ 'self/mountinfo': HOST_MOUNTS })).slash).toBe('host');
    expect(probeHostRoot('/', false, testdir({ 'self/mountinfo': CHROOT_MOUNTS })).slash).toBe('chroot');
  });

  it('without /proc: cannot tell, so generic', () => {
    expect(probeHostRoot('/', false, join(testdir(), 'proc')).slash).toBe('no-proc');
  });
});

describe('toBuildOptions: the default for each installed kernel', () => {
  const twoKernels = (conf: Record<string, string> = {}) =>
    testdir({ [`lib/modules/${RUNNING}/modules.dep`]: '', [`lib/modules/${OTHER}/modules.dep`]: '', 'sys/class/block/vda/dev': '254:0\n', ...conf });

  function options(root: string, argv: string[], host: Partial<HostRootFacts>) {
    const cmd = withBuildFlags(new Command('build').exitOverride());
    cmd.parse(['--sysroot', root, ...argv], { from: 'user' });
    const notes: string[] = [];
    const probed: string[] = [];
    const opts = toBuildOptions(cmd.opts() as BuildFlagValues, undefined, undefined, {
      warn: () => {},
      note: (m) => notes.push(m),
      hostRoot: (sysroot, capture) => {
        probed.push(sysroot);
        return facts({ sysroot, capture, ...host });
      },
    });
    return { opts, notes, probed };
  }

  it.each([RUNNING, OTHER])('on its own host, kernel %s (running or not) is host-only, without a note', (kver) => {
    const root = twoKernels();
    const r = options(root, ['-k', kver], {});
    expect(r.opts.hostonly).toBe(true);
    expect(r.opts.kver).toBe(kver);
    expect(r.notes).toEqual([]);
    expect(r.probed).toEqual([root]);
  });

  it.each([RUNNING, OTHER])('in a chroot, kernel %s is generic, and the note says why', (kver) => {
    const r = options(twoKernels(), ['-k', kver], { slash: 'chroot' });
    expect(r.opts.hostonly).toBe(false);
    expect(r.notes).toEqual([expect.stringMatching(/^generic image: running in a chroot/)]);
  });

  it('-H and -N, and hostonly in the configuration, decide without a probe or a note', () => {
    const root = twoKernels({ 'etc/mkinitramfs-ts.conf': 'hostonly = false\n' });
    for (const [argv, host, want] of [
      [['-k', OTHER], {}, false],
      [['-k', OTHER, '-H'], { slash: 'chroot' }, true],
    ] as const) {
      const r = options(root, [...argv], host);
      expect(r.opts.hostonly).toBe(want);
      expect(r.probed).toEqual([]);
      expect(r.notes).toEqual([]);
    }
    const plain = options(twoKernels(), ['-k', OTHER, '-N'], {});
    expect(plain.opts.hostonly).toBe(false);
    expect(plain.probed).toEqual([]);
  });

  it('a capture (--sysfs) is host-only for another root', () => {
    const root = twoKernels();
    const r = options(root, ['-k', OTHER, '--sysfs', join(root, 'sys')], { sysrootIsSlash: false });
    expect(r.opts.hostonly).toBe(true);
    expect(r.notes).toEqual([]);
  });

  it('the real probe: a sysroot that is not / builds generic and says so', () => {
    const root = twoKernels();
    const cmd = withBuildFlags(new Command('build').exitOverride());
    cmd.parse(['--sysroot', root, '-k', OTHER], { from: 'user' });
    const notes: string[] = [];
    const opts = toBuildOptions(cmd.opts() as BuildFlagValues, undefined, undefined, { warn: () => {}, note: (m) => notes.push(m) });
    expect(opts.hostonly).toBe(false);
    expect(notes).toEqual([expect.stringContaining(`generic image: --sysroot ${root} is not the running system`)]);
  });
});
