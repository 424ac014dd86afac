// A value from the command line never becomes an option of modprobe or mount: module names reach
// modprobe after "--" (busybox's and kmod's modprobe both take it), and rootfstype= must be a plain
// name. Run with the real modprobe of each kind of image (busybox's, or kmod's under dash).
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRoot, q, type Shell } from './fake-root.js';

let fr: FakeRoot | undefined;
afterEach(() => fr?.cleanup());

describe.each<Shell>(['busybox', 'dash'])('names that look like options (%s)', (shell) => {
  it('rd.driver.pre=-r and load_module -v are module names that no module claims', () => {
    const r = FakeRoot.create({ shell });
    fr = r;
    r.dir(`/usr/lib/modules/${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}`).modules({});
    const mq = shell === 'busybox' ? 'MODPROBE_Q=-q' : 'MODPROBE_Q=';
    const out = r.sh(`${mq}\nCMDLINE=" rd.driver.pre=-r,-va"\nload_forced_drivers\nload_module --help; echo "load_module=$?"`);
    expect(out.stderr).toContain('cannot load forced driver -r: no module of that name in this image');
    expect(out.stderr).toContain('cannot load forced driver -va: no module of that name in this image');
    expect(out.stdout).toContain('load_module=1');
    expect(out.stdout + out.stderr).not.toMatch(/[Uu]sage|invalid option|unrecognized option/);
  });
});

describe('rootfstype=', () => {
  it('a value that is not a file system type is said and ignored; blkid’s type is used', () => {
    const r = FakeRoot.create();
    fr = r;
    r.file('/proc/partitions', 'major minor  #blocks  name\n\n 254 0 1024 vdz\n').blockdev('/dev/vdz', 254, 0);
    r.tool('/usr/sbin/blkid', 'case "$1" in -V) echo "blkid from util-linux"; exit 0 ;; esac\nprintf "DEVNAME=/dev/vdz\\nTYPE=ext4\\n\\n"');
    const hook = (fstype: string) =>
      r.sh(`emergency() { echo "EMERGENCY: $1"; }\nCMDLINE=" root=/dev/vdz rootfstype=${fstype}"\n. /lib/mkinitramfs-ts/hooks/initqueue/50-rootfs-block-find-root.sh\nprintf '%s|%s\\n' "$ROOT_DEV" "$ROOT_FSTYPE"`);
    expect(hook('xfs').stdout).toBe('/dev/vdz|xfs\n');
    for (const bad of ['-oremount', '-t', 'ext4,-o', 'a;b']) {
      const out = hook(q(bad).slice(1, -1));
      expect(out.stdout, bad).toBe('/dev/vdz|ext4\n');
      expect(out.stderr, bad).toContain(`ignoring rootfstype=${bad}: not a file system type`);
    }
  });
});
