// The code that acts on command-line values (mount-root.sh, load_forced_drivers, coldplug's
// rd.driver.post) run in a fake root with recording stand-ins for mount and modprobe: the values reach
// the tools as given — in particular a "*" must reach them as "*", not as the names of the files in /.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRoot } from './fake-root.js';

let fr: FakeRoot;
beforeEach(() => {
  fr = FakeRoot.create();
});

// Recording stand-ins, as shell functions: the image's busybox sh runs its own applets (mount,
// modprobe) in preference to same-named files in PATH, but a function always wins. Each argument on
// its own line, one call per block.
const STUBS = ['mount', 'modprobe'].map((t) => `${t}() { for a; do echo "$a"; done >>/tmp/${t}.log; echo @@ >>/tmp/${t}.log; }`).join('\n') + '\n';
afterEach(() => fr.cleanup());

const log = (name: string): string[][] =>
  fr
    .out(`cat /tmp/${name}.log 2>/dev/null || true`)
    .split('@@\n')
    .filter(Boolean)
    .map((c) => c.split('\n').filter(Boolean));

const mountRoot = (cmdline: string): string[][] => {
  fr.out(
    [
      STUBS,
      `CMDLINE=" ${cmdline}"`,
      'ROOT_DEV=/dev/vdz2',
      'argval rootfstype && ROOT_FSTYPE=$ARGVAL || ROOT_FSTYPE=ext4',
      'emergency() { echo "EMERGENCY: $1"; }',
      '. /lib/mkinitramfs-ts/hooks/mount/50-rootfs-block-mount-root.sh',
    ].join('\n'),
  );
  return log('mount');
};

describe('mount-root.sh', () => {
  it('mounts read-only by default, with the type and rootflags', () => {
    expect(mountRoot('root=/dev/vdz2 rootflags=data=journal')).toEqual([['-t', 'ext4', '-o', 'ro,data=journal', '/dev/vdz2', '/sysroot']]);
  });

  it('the last of ro/rw wins', () => {
    expect(mountRoot('ro rw')[0]?.[3]).toBe('rw');
    expect(mountRoot('rw quiet ro')[1]?.[3]).toBe('ro');
  });

  it('rootfstype= is passed to mount -t', () => {
    expect(mountRoot('rootfstype=xfs')).toEqual([['-t', 'xfs', '-o', 'ro', '/dev/vdz2', '/sysroot']]);
  });

  // Regression (a bug this test found, now fixed): mount-root.sh expands $_type unquoted with globbing on
  // (`mount $_type -o ...`), and _type holds rootfstype= from the command line. rootfstype=* is
  // glob-expanded against the files in / (bin dev etc ...) and mount gets those names as arguments.
  // The shellcheck comment there assumes the value has no spaces; it did not consider globs.
  it('rootfstype=* reaches mount as "*", not as the file names in /', () => {
    expect(mountRoot('rootfstype=*')).toEqual([['-t', '*', '-o', 'ro', '/dev/vdz2', '/sysroot']]);
  });
});

describe('forced and blacklisted drivers', () => {
  const forced = (cmdline: string, env = ''): void => {
    fr.out(`${STUBS}CMDLINE=" ${cmdline}"\n${env}\nload_forced_drivers`);
  };

  // -q: busybox's modprobe (this root's) still says why a module failed to load with it (module-loads.sh)
  it('rd.driver.pre and FORCE_DRIVERS are loaded in order, one modprobe -q -b each', () => {
    forced('rd.driver.pre=virtio_pci,virtio_blk rd.driver.pre=ext4', 'FORCE_DRIVERS="nvme ahci"');
    expect(log('modprobe')).toEqual([['-q', '-b', '--', 'nvme'], ['-q', '-b', '--', 'ahci'], ['-q', '-b', '--', 'virtio_pci'], ['-q', '-b', '--', 'virtio_blk'], ['-q', '-b', '--', 'ext4']]);
  });

  it('rd.driver.blacklist and modprobe.blacklist become blacklist lines', () => {
    forced('rd.driver.blacklist=nouveau,radeon modprobe.blacklist=pcspkr');
    expect(fr.out('cat /etc/modprobe.d/cmdline-blacklist.conf')).toBe('blacklist nouveau\nblacklist radeon\nblacklist pcspkr\n');
  });

  it('rd.driver.pre=* reaches modprobe as "*"', () => {
    forced('rd.driver.pre=*');
    expect(log('modprobe')).toEqual([['-q', '-b', '--', '*']]);
  });

  // Regression (a bug this test found, now fixed): load_forced_drivers loops over $(getargs rd.driver.blacklist) and
  // $(getargs modprobe.blacklist) before its `set -f`, so rd.driver.blacklist=* is glob-expanded
  // against / and writes "blacklist bin", "blacklist dev", ... instead of "blacklist *".
  it('rd.driver.blacklist=* is written literally', () => {
    forced('rd.driver.blacklist=*');
    expect(fr.out('cat /etc/modprobe.d/cmdline-blacklist.conf')).toBe('blacklist *\n');
  });

  // Regression (a bug this test found, now fixed): coldplug loads rd.driver.post with `for _m in $(getargs rd.driver.post)`
  // after its `set +f`, so rd.driver.post=* runs modprobe once per file name in / instead of once
  // with "*".
  it('rd.driver.post=* reaches modprobe as "*" (after the first coldplug round)', () => {
    fr.busDevice('pci', '/sys/devices/pci0000:00/0000:00:01.0', 'pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00').dir('/run/initramfs');
    fr.out(`${STUBS}CMDLINE=" rd.driver.post=*"\ncoldplug`);
    const calls = log('modprobe');
    expect(calls.at(-1)).toEqual(['-q', '-b', '--', '*']);
    expect(calls).toHaveLength(2);
  });
});
