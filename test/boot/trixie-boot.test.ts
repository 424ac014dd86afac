// Debian 13's 6.12 kernel (every module .ko.xz, in-kernel decompression on) booted through generic
// images: built on a Debian 12 userspace (busybox 1.35, whose modprobe hands .ko.xz files to the
// kernel raw first) on virtio-blk, AHCI and NVMe, and built on a Debian 13 root into that root's
// systemd 257. Each console must be free of module-load errors: the image stores modules decompressed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { markerRootDisk, systemdRootDisk } from '../support/disks.js';
import { debianRoot, trixieKernel, trixieRoot, type KernelFixture } from '../support/fixtures.js';
import { sysrootWithKernel } from '../support/sysroot-with-kernel.js';
import type { DiskBus } from '../support/qemu/drive-args.js';
import { bootVm } from '../support/qemu.js';

const BOOT_TIMEOUT = 240_000;
const LOAD_ERRORS = /Invalid ELF header|cannot load module|Unknown symbol|module verification failed/;

/** Debian 12's root with Debian 13's kernel in it (hard links; cached beside the fixtures). */
const bookwormWithTrixieKernel = (k: KernelFixture): string => sysrootWithKernel(debianRoot(), k, 'sysroot-bookworm-k6.12');

function genericImage(sysroot: string, k: KernelFixture, name: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-')), `${name}.img`);
  runCli(['build', '--sysroot', sysroot, '--kver', k.kver, '-N', '-o', out]);
  expect(runCli(['verify', '--kver', k.kver, out])).toContain('no problems found');
  expect(runCli(['ls', out])).not.toMatch(/\.ko\.xz\n/);
  return out;
}

let k: KernelFixture;
let onBookworm: string;
beforeAll(() => {
  k = trixieKernel();
  onBookworm = genericImage(bookwormWithTrixieKernel(k), k, 'trixie-kernel-bookworm-userspace');
}, 300_000);

describe.concurrent('Debian 13 kernel, generic images', () => {
  it.each([
    ['virtio-blk', '/dev/vda'],
    ['ahci', '/dev/sda'],
    ['nvme', '/dev/nvme0n1'],
  ] as const)('built on Debian 12 (busybox 1.35): %s, no module-load error', async (bus: DiskBus, dev) => {
    const uuid = `6c1f0000-0000-4000-8000-0000000013${bus === 'virtio-blk' ? '01' : bus === 'ahci' ? '02' : '03'}`;
    const marker = `k612-${bus}`;
    const disk = await markerRootDisk({ uuid, label: 'k612', marker });
    const r = await bootVm({ kernel: k.image, initrd: onBookworm, append: `root=UUID=${uuid}`, disks: [{ file: disk, bus }], until: [new RegExp(`MARKER:${marker} `)], timeoutMs: BOOT_TIMEOUT });
    if (!r.matched) console.log(r.log.slice(-5000));
    expect(r.matched).toBe(true);
    expect(r.log).toContain(`Linux version ${k.kver} `);
    expect(r.log.split('\n').find((l) => l.includes(`MARKER:${marker} `))).toContain(`root=${dev}`);
    expect(r.log.split('\n').filter((l) => LOAD_ERRORS.test(l))).toEqual([]);
  }, BOOT_TIMEOUT + 60_000);

  it('built on a Debian 13 root: its systemd 257 reaches multi-user.target, no module-load error', async () => {
    const image = genericImage(k.sysroot, k, 'trixie');
    const uuid = '6c1f0000-0000-4000-8000-000000001304';
    const disk = await systemdRootDisk({ uuid, label: 'trixieroot', base: trixieRoot() });
    const r = await bootVm({ kernel: k.image, initrd: image, append: `root=UUID=${uuid}`, disks: [{ file: disk, bus: 'virtio-blk' }], until: [/MARKER:systemd multi-user reached/], timeoutMs: BOOT_TIMEOUT });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/systemd 257/);
    expect(r.log.split('\n').filter((l) => LOAD_ERRORS.test(l))).toEqual([]);
  }, BOOT_TIMEOUT + 120_000);
});
