// A Unified Kernel Image boots under UEFI: Debian's OVMF in QEMU (TCG) starts it as the removable-media
// default EFI/BOOT/BOOTX64.EFI from a FAT ESP; the stub hands the kernel its embedded .cmdline and
// .initrd, and the real systemd root reaches its marker. No -kernel, no -initrd, no -append.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { systemdRootDisk } from '../support/disks.js';
import { efiSysroot, efiSysrootTrixie, FIXTURES, kver, ovmf, trixieKernel, trixieRoot } from '../support/fixtures.js';
import { bootVm, markerMs } from '../support/qemu.js';

const BOOT_TIMEOUT = 300_000;
const UUID = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e31';
const TRIXIE_UUID = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e32';
const REACHED = /MARKER:systemd multi-user reached/;
const SNAKEOIL = join(FIXTURES, 'ovmf/usr/share/ovmf');
let dir = '';

function buildUki(esp: string, extra: string[] = [], sysroot = efiSysroot(), kernel = kver(), uuid = UUID): void {
  mkdirSync(join(dir, esp, 'EFI/BOOT'), { recursive: true });
  runCli([
    'build', '--sysroot', sysroot, '--kver', kernel, '-N', '--compress', 'zstd', '--uki', ...extra,
    '--kernel-cmdline', `root=UUID=${uuid} console=ttyS0 panic=-1`,
    '-o', join(dir, esp, 'EFI/BOOT/BOOTX64.EFI'),
  ]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-uki-'));
  buildUki('esp');
  // Debian's OVMF "snakeoil" variables enrol PkKek-1-snakeoil as PK/KEK/db; its key's passphrase is "snakeoil"
  const key = join(dir, 'snakeoil.key');
  execFileSync('openssl', ['rsa', '-in', join(SNAKEOIL, 'PkKek-1-snakeoil.key'), '-passin', 'pass:snakeoil', '-out', key], { stdio: 'ignore' });
  buildUki('esp-signed', ['--secureboot-key', key, '--secureboot-cert', join(SNAKEOIL, 'PkKek-1-snakeoil.pem')]);
  // Debian 13: systemd 257's stub (4 KiB section alignment, loads .linux as a PE image) and kernel 6.12
  buildUki('esp-trixie', [], efiSysrootTrixie(), trixieKernel().kver, TRIXIE_UUID);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function bootUki(esp: string, code: string, varsTemplate: string, extraArgs: string[] = [], disk?: string, watch: { until: RegExp[]; failOn?: RegExp[] } = { until: [REACHED] }) {
  disk ??= await systemdRootDisk({ uuid: UUID, label: 'ukiroot' });
  const vars = join(dir, `${esp}.vars.fd`);
  copyFileSync(varsTemplate, vars); // the firmware writes its boot entries there: a fresh copy per boot
  return bootVm({
    disks: [{ file: disk, bus: 'virtio-blk' }],
    extraArgs: [
      ...extraArgs,
      '-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${code}`,
      '-drive', `if=pflash,format=raw,unit=1,file=${vars}`,
      // QEMU's virtual FAT of a folder: the ESP, without mkfs or mount
      '-drive', `if=none,id=esp,format=raw,file=fat:rw:${join(dir, esp)}`, '-device', 'ahci,id=ahciesp', '-device', 'ide-hd,drive=esp,bus=ahciesp.0,bootindex=0',
    ],
    ...watch,
    timeoutMs: BOOT_TIMEOUT,
  });
}

it('OVMF boots the UKI from the ESP into the systemd root', async () => {
  const fw = ovmf();
  const r = await bootUki('esp', fw.code, fw.vars);
  if (!r.matched) console.log(r.log.slice(-6000));
  expect(r.matched).toBe(true);
  // the kernel was started by the stub with the embedded command line, not by QEMU's -kernel
  expect(r.log).toMatch(new RegExp(`Command line: .*root=UUID=${UUID}`));
  expect(r.log).toMatch(/handing over to systemd/);
  console.log(`UKI boot: MARKER after ${markerMs(r, REACHED) ?? '?'} ms (${r.accel})`);
}, BOOT_TIMEOUT + 60_000);

it('Secure Boot enforced (OVMF snakeoil keys): the UKI signed with the enrolled key boots', async () => {
  const r = await bootUki('esp-signed', join(FIXTURES, 'ovmf/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd'), join(FIXTURES, 'ovmf/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd'), [
    '-machine', 'smm=on', '-global', 'driver=cfi.pflash01,property=secure,value=on',
  ]);
  if (!r.matched) console.log(r.log.slice(-6000));
  expect(r.matched).toBe(true);
  expect(r.log).toMatch(/secureboot: Secure boot enabled/);
  console.log(`signed UKI, Secure Boot: MARKER after ${markerMs(r, REACHED) ?? '?'} ms (${r.accel})`);
}, BOOT_TIMEOUT + 60_000);

it('Secure Boot enforced: the unsigned UKI is refused by the firmware, no kernel starts', async () => {
  const r = await bootUki('esp', join(FIXTURES, 'ovmf/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd'), join(FIXTURES, 'ovmf/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd'), [
    '-machine', 'smm=on', '-global', 'driver=cfi.pflash01,property=secure,value=on',
  ], undefined, { until: [/BdsDxe: failed to load .*Access Denied/], failOn: [/Linux version/] });
  if (!r.matched) console.log(r.log.slice(-3000));
  expect(r.matched).toBe(true);
}, BOOT_TIMEOUT + 60_000);

it('Debian 13: the UKI of systemd 257\'s stub and kernel 6.12 boots into its systemd 257 root', async () => {
  const fw = ovmf();
  const disk = await systemdRootDisk({ uuid: TRIXIE_UUID, label: 'ukitrixie', base: trixieRoot() });
  const r = await bootUki('esp-trixie', fw.code, fw.vars, [], disk);
  if (!r.matched) console.log(r.log.slice(-6000));
  expect(r.matched).toBe(true);
  expect(r.log).toContain(`Linux version ${trixieKernel().kver} `);
  expect(r.log).toMatch(new RegExp(`Command line: .*root=UUID=${TRIXIE_UUID}`));
  expect(r.log).toMatch(/systemd 257/);
  console.log(`Debian 13 UKI boot: MARKER after ${markerMs(r, REACHED) ?? '?'} ms (${r.accel})`);
}, BOOT_TIMEOUT + 60_000);
