// The generic image of a sysroot WITHOUT busybox (the userspace feature: dash, util-linux, kmod with
// its binary indexes, coreutils) boots the real Debian kernel in QEMU into a marker root and into a
// real systemd root; a wrong root= ends in the emergency report and the sysrq reboot. Markers only.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage } from '../support/build-image.js';
import { busyboxlessSysroot } from '../support/busyboxless-sysroot.js';
import { markerRootDisk, systemdRootDisk } from '../support/disks.js';
import { kernelImage } from '../support/fixtures.js';
import { bootVm, type BootResult, type SerialInput, type VmDisk } from '../support/qemu.js';

const BOOT_TIMEOUT = 240_000;
let image = '';

beforeAll(() => {
  const copy = busyboxlessSysroot();
  try {
    image = buildFixtureImage('fallback', ['--sysroot', copy.root, '-N', '--compress', 'zstd']);
  } finally {
    copy.remove();
  }
}, 120_000);

async function boot(disks: VmDisk[], append: string, until: RegExp[], extra: { failOn?: RegExp[]; input?: SerialInput[] } = {}): Promise<BootResult> {
  return bootVm({ kernel: kernelImage(), initrd: image, append, disks, until, timeoutMs: BOOT_TIMEOUT, ...extra });
}

describe.concurrent('busybox-less generic image boots the real kernel', () => {
  it('virtio-blk, root=UUID= into the marker root', async () => {
    const uuid = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4f01';
    const disk = await markerRootDisk({ uuid, label: 'nobbvblk', marker: 'nobb-virtio-uuid' });
    const r = await boot([{ file: disk, bus: 'virtio-blk' }], `root=UUID=${uuid}`, [/MARKER:nobb-virtio-uuid /]);
    if (!r.matched) console.log(r.log.slice(-4000));
    expect(r.matched).toBe(true);
    const line = r.log.split('\n').find((l) => l.includes('MARKER:nobb-virtio-uuid ')) ?? '';
    expect(line).toMatch(/root=\/dev\/vda fstype=ext4/);
    // the image's modprobe is kmod: a name only its binary indexes resolve must have loaded
    expect(r.log).not.toMatch(/modprobe: FATAL|modules\.dep\.bin/);
  }, BOOT_TIMEOUT + 30_000);

  it('a real systemd root reaches multi-user.target', async () => {
    const uuid = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4f02';
    const disk = await systemdRootDisk({ uuid, label: 'nobbroot' });
    const r = await boot([{ file: disk, bus: 'virtio-blk' }], `root=UUID=${uuid}`, [/MARKER:systemd multi-user reached/]);
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/handing over to systemd/);
  }, BOOT_TIMEOUT + 30_000);

  it('a wrong root=UUID ends in the emergency report and a sysrq reboot (rd.shell=0)', async () => {
    const disk = await markerRootDisk({ uuid: '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4f03', label: 'nobbpresent', marker: 'never' });
    const r = await boot(
      [{ file: disk, bus: 'virtio-blk' }],
      'root=UUID=00000000-0000-0000-0000-000000000000 rd.shell=0 rd.timeout=5',
      [/cannot boot: no device matched root=UUID=00000000-0000-0000-0000-000000000000 after 5s/, /rd\.shell=0: rebooting/, /sysrq: Resetting/],
      { failOn: [/MARKER:never/] },
    );
    if (!r.matched) console.log(r.log.slice(-4000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/block devices seen:\s+\/dev\/vda .*LABEL="nobbpresent"/);
  }, BOOT_TIMEOUT + 30_000);

  it('the emergency shell is dash with the console as controlling terminal (setsid -c), and poweroff works', async () => {
    const disk = await markerRootDisk({ uuid: '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4f04', label: 'nobbshell', marker: 'never' });
    const r = await boot(
      [{ file: disk, bus: 'virtio-blk' }],
      'root=UUID=00000000-0000-0000-0000-000000000000 rd.timeout=3',
      [/SHELL-42 CTTY=[1-9]\d*$/m, /sysrq: Power Off/],
      // dash's root prompt; field 7 of /proc/PID/stat is the controlling terminal: 0 means none (no Ctrl-C)
      { failOn: [/MARKER:never/, /SHELL-42 CTTY=0$/m], input: [{ when: /^# /m, send: "echo SHELL-$((6*7)) CTTY=$(cut -d' ' -f7 /proc/self/stat) ; poweroff -f\n" }] },
    );
    if (!r.matched) console.log(r.log.slice(-4000));
    expect(r.matched).toBe(true);
  }, BOOT_TIMEOUT + 30_000);
});
