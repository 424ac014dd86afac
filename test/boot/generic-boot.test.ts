// The generic image (-N) boots the real Debian kernel in QEMU on every bus into a marker root, and
// into a real systemd root; a wrong root= ends in the emergency report. Markers, never timings.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage } from '../support/build-image.js';
import { gptDisk, markerRootDisk, systemdRootDisk } from '../support/disks.js';
import { kernelImage } from '../support/fixtures.js';
import { bootVm, type BootResult, type VmDisk } from '../support/qemu.js';

const BOOT_TIMEOUT = 240_000;
let image = '';

beforeAll(() => {
  image = buildFixtureImage('generic', ['-N', '--compress', 'zstd']);
}, 120_000);

async function boot(disks: VmDisk[], append: string, until: RegExp[], extra: { machine?: 'q35' | 'pc'; failOn?: RegExp[] } = {}): Promise<BootResult> {
  return bootVm({ kernel: kernelImage(), initrd: image, append, disks, until, timeoutMs: BOOT_TIMEOUT, ...extra });
}

function expectMarker(r: BootResult, marker: string, dev: RegExp): void {
  if (!r.matched) console.log(r.log.slice(-4000));
  expect(r.matched).toBe(true);
  const line = r.log.split('\n').find((l) => l.includes(`MARKER:${marker} `)) ?? '';
  expect(line).toMatch(dev);
}

describe.concurrent('generic image boots the real kernel', () => {
  it('virtio-blk, root=UUID=', async () => {
    const uuid = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e01';
    const disk = await markerRootDisk({ uuid, label: 'vblk', marker: 'virtio-uuid' });
    const r = await boot([{ file: disk, bus: 'virtio-blk' }], `root=UUID=${uuid}`, [/MARKER:virtio-uuid /]);
    expectMarker(r, 'virtio-uuid', /root=\/dev\/vda fstype=ext4/);
  }, BOOT_TIMEOUT + 30_000);

  it('AHCI, root=LABEL=', async () => {
    const disk = await markerRootDisk({ uuid: '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e02', label: 'ahcilabel', marker: 'ahci-label' });
    const r = await boot([{ file: disk, bus: 'ahci' }], 'root=LABEL=ahcilabel', [/MARKER:ahci-label /]);
    expectMarker(r, 'ahci-label', /root=\/dev\/sda fstype=ext4/);
  }, BOOT_TIMEOUT + 30_000);

  it('virtio-scsi, root=/dev/sda', async () => {
    const disk = await markerRootDisk({ uuid: '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e03', label: 'vscsi', marker: 'vscsi-dev' });
    const r = await boot([{ file: disk, bus: 'virtio-scsi' }], 'root=/dev/sda', [/MARKER:vscsi-dev /]);
    expectMarker(r, 'vscsi-dev', /root=\/dev\/sda fstype=ext4/);
  }, BOOT_TIMEOUT + 30_000);

  it('NVMe with a GPT disk, root=PARTUUID=', async () => {
    const partUuid = '6a1f0c1e-55aa-4b7c-9d2e-3f4a5b6c7d08';
    const disk = await gptDisk({ partUuid, partLabel: 'nvmeroot', fsUuid: '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e04', marker: 'nvme-partuuid' });
    const r = await boot([{ file: disk, bus: 'nvme', serial: 'nvme-root' }], `root=PARTUUID=${partUuid.toUpperCase()}`, [/MARKER:nvme-partuuid /]);
    expectMarker(r, 'nvme-partuuid', /root=\/dev\/nvme0n1p1 fstype=ext4/);
  }, BOOT_TIMEOUT + 30_000);

  it('a real systemd root reaches multi-user.target', async () => {
    const uuid = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e05';
    const disk = await systemdRootDisk({ uuid, label: 'debroot' });
    const r = await boot([{ file: disk, bus: 'virtio-blk' }], `root=UUID=${uuid}`, [/MARKER:systemd multi-user reached/]);
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/handing over to systemd/);
  }, BOOT_TIMEOUT + 30_000);

  it('a wrong root=UUID ends in the emergency report naming what was seen (rd.shell=0)', async () => {
    const disk = await markerRootDisk({ uuid: '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e06', label: 'present', marker: 'never' });
    const r = await boot(
      [{ file: disk, bus: 'virtio-blk' }],
      'root=UUID=00000000-0000-0000-0000-000000000000 rd.shell=0 rd.timeout=5',
      [/cannot boot: no device matched root=UUID=00000000-0000-0000-0000-000000000000 after 5s/, /rd\.shell=0: rebooting/],
      { failOn: [/MARKER:never/] },
    );
    if (!r.matched) console.log(r.log.slice(-4000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/block devices seen:\s+\/dev\/vda .*LABEL="present"/);
  }, BOOT_TIMEOUT + 30_000);
});
