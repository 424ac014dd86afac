// Generic images (-N) of other kernel flavours boot their kernel in QEMU: Debian 12's -cloud-amd64
// (ext4 and NVMe built in, no USB host drivers: the image holds what is left) into the real systemd
// root on virtio-blk, and -rt-amd64 into a marker root on virtio-blk. Markers, never timings.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { markerRootDisk, systemdRootDisk } from '../support/disks.js';
import { cloudKernel, rtKernel, type KernelFixture } from '../support/fixtures.js';
import { bootVm } from '../support/qemu.js';

const BOOT_TIMEOUT = 240_000;

function genericImage(k: KernelFixture, name: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-')), `${name}.img`);
  runCli(['build', '--sysroot', k.sysroot, '--kver', k.kver, '-N', '--compress', 'zstd', '-o', out]);
  return out;
}

describe.concurrent('generic images of other kernel flavours boot', () => {
  it('-cloud-amd64: a real systemd root on virtio-blk reaches multi-user.target', async () => {
    const k = cloudKernel();
    const image = genericImage(k, 'cloud');
    const uuid = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e05';
    const disk = await systemdRootDisk({ uuid, label: 'debroot' });
    const r = await bootVm({
      kernel: k.image,
      initrd: image,
      append: `root=UUID=${uuid}`,
      disks: [{ file: disk, bus: 'virtio-blk' }],
      until: [/MARKER:systemd multi-user reached/],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toContain(`Linux version ${k.kver} `);
    expect(r.log).toMatch(/handing over to systemd/);
  }, BOOT_TIMEOUT + 120_000);

  it('-rt-amd64: a marker root on virtio-blk, root=UUID=', async () => {
    const k = rtKernel();
    const image = genericImage(k, 'rt');
    const uuid = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e21';
    const disk = await markerRootDisk({ uuid, label: 'rtroot', marker: 'rt-uuid' });
    const r = await bootVm({
      kernel: k.image,
      initrd: image,
      append: `root=UUID=${uuid}`,
      disks: [{ file: disk, bus: 'virtio-blk' }],
      until: [/MARKER:rt-uuid /],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-4000));
    expect(r.matched).toBe(true);
    expect(r.log).toContain(`Linux version ${k.kver} `);
    expect(r.log.split('\n').find((l) => l.includes('MARKER:rt-uuid ')) ?? '').toMatch(/root=\/dev\/vda fstype=ext4/);
  }, BOOT_TIMEOUT + 120_000);
});
