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
import { efiSysroot, efiSysrootTrixie, FIXTURES, kver, ovmf, trixieKernel, trixieRoot, virtFirmwarePath } from '../support/fixtures.js';
import { bootVm, markerMs } from '../support/qemu.js';

const BOOT_TIMEOUT = 300_000;
const UUID = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e31';
const TRIXIE_UUID = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e32';
const REACHED = /MARKER:systemd multi-user reached/;
const SNAKEOIL = join(FIXTURES, 'ovmf/usr/share/ovmf');
// OVMF built with Secure Boot and SMM, no keys of its own: they come from the variable store
const SECBOOT_CODE = join(FIXTURES, 'ovmf/usr/share/OVMF/OVMF_CODE_4M.secboot.fd');
const SECBOOT_QEMU = ['-machine', 'smm=on', '-global', 'driver=cfi.pflash01,property=secure,value=on'];
let dir = '';
let ownVars = '';

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
  // Secure Boot with a key of our own: a new self-signed certificate, enrolled as PK, KEK and db (Secure Boot
  // on) into a copy of OVMF's blank variable store by Debian 13's virt-fw-vars; the UKI signed with its key
  const own = { key: join(dir, 'own.key'), cert: join(dir, 'own.pem') };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', '/CN=mkinitramfs-ts test Secure Boot key', '-keyout', own.key, '-out', own.cert], { stdio: 'ignore' });
  ownVars = join(dir, 'own-vars.fd');
  const owner = '5e1f0000-0000-4000-8000-00000000c0de';
  execFileSync('python3', ['-m', 'virt.firmware.vars', '-l', 'warning', '-i', ovmf().vars, '--set-pk', owner, own.cert, '--add-kek', owner, own.cert, '--add-db', owner, own.cert, '--sb', '-o', ownVars], {
    env: { ...process.env, PYTHONPATH: virtFirmwarePath() },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  buildUki('esp-signed', ['--secureboot-key', own.key, '--secureboot-cert', own.cert]);
  // the same UKI signed with a key the firmware was not given: Debian's OVMF test key (passphrase "snakeoil")
  const other = join(dir, 'snakeoil.key');
  execFileSync('openssl', ['rsa', '-in', join(SNAKEOIL, 'PkKek-1-snakeoil.key'), '-passin', 'pass:snakeoil', '-out', other], { stdio: 'ignore' });
  buildUki('esp-other-key', ['--secureboot-key', other, '--secureboot-cert', join(SNAKEOIL, 'PkKek-1-snakeoil.pem')]);
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

it('Secure Boot enforced with our own enrolled key: the UKI signed with it boots', async () => {
  const r = await bootUki('esp-signed', SECBOOT_CODE, ownVars, SECBOOT_QEMU);
  if (!r.matched) console.log(r.log.slice(-6000));
  expect(r.matched).toBe(true);
  expect(r.log).toMatch(/secureboot: Secure boot enabled/);
  console.log(`signed UKI, Secure Boot: MARKER after ${markerMs(r, REACHED) ?? '?'} ms (${r.accel})`);
}, BOOT_TIMEOUT + 60_000);

it('Secure Boot enforced: the unsigned UKI, and one signed with a key not enrolled, are refused; no kernel starts', async () => {
  const refused = { until: [/BdsDxe: failed to load .*Access Denied/], failOn: [/Linux version/] };
  for (const esp of ['esp', 'esp-other-key']) {
    const r = await bootUki(esp, SECBOOT_CODE, ownVars, SECBOOT_QEMU, undefined, refused);
    if (!r.matched) console.log(r.log.slice(-3000));
    expect(r.matched, esp).toBe(true);
  }
}, 2 * BOOT_TIMEOUT + 60_000);

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
