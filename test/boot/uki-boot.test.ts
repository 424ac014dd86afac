// A Unified Kernel Image boots under UEFI: Debian's OVMF in QEMU (TCG) starts it as the removable-media
// default EFI/BOOT/BOOTX64.EFI from a FAT ESP; the stub hands the kernel its embedded .cmdline and
// .initrd, and the real systemd root reaches its marker. No -kernel, no -initrd, no -append.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { systemdRootDisk } from '../support/disks.js';
import { efiSysroot, kver, ovmf } from '../support/fixtures.js';
import { bootVm, markerMs } from '../support/qemu.js';

const BOOT_TIMEOUT = 300_000;
const UUID = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e31';
const REACHED = /MARKER:systemd multi-user reached/;
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-uki-'));
  mkdirSync(join(dir, 'esp/EFI/BOOT'), { recursive: true });
  runCli([
    'build', '--sysroot', efiSysroot(), '--kver', kver(), '-N', '--compress', 'zstd', '--uki',
    '--kernel-cmdline', `root=UUID=${UUID} console=ttyS0 panic=-1`,
    '-o', join(dir, 'esp/EFI/BOOT/BOOTX64.EFI'),
  ]);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('OVMF boots the UKI from the ESP into the systemd root', async () => {
  const disk = await systemdRootDisk({ uuid: UUID, label: 'ukiroot' });
  const fw = ovmf();
  const vars = join(dir, 'OVMF_VARS.fd');
  copyFileSync(fw.vars, vars); // the firmware writes its boot entries there: a fresh copy per boot
  const r = await bootVm({
    disks: [{ file: disk, bus: 'virtio-blk' }],
    extraArgs: [
      '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${fw.code}`,
      '-drive', `if=pflash,format=raw,unit=1,file=${vars}`,
      // QEMU's virtual FAT of a folder: the ESP, without mkfs or mount
      '-drive', `if=none,id=esp,format=raw,file=fat:rw:${join(dir, 'esp')}`, '-device', 'ahci,id=ahciesp', '-device', 'ide-hd,drive=esp,bus=ahciesp.0,bootindex=0',
    ],
    until: [REACHED],
    watch: [/EFI stub: /],
    timeoutMs: BOOT_TIMEOUT,
  });
  if (!r.matched) console.log(r.log.slice(-6000));
  expect(r.matched).toBe(true);
  // the kernel was started by the stub with the embedded command line, not by QEMU's -kernel
  expect(r.log).toMatch(new RegExp(`Command line: .*root=UUID=${UUID}`));
  expect(r.log).toMatch(/handing over to systemd/);
  console.log(`UKI boot: MARKER after ${markerMs(r, REACHED) ?? '?'} ms (${r.accel})`);
}, BOOT_TIMEOUT + 60_000);
