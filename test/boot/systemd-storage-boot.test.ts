// systemd as the image's PID 1 (--add systemd-initrd) on the storage stacks the shell /init mounts:
// LVM (lvm2's udev rules), LVM on LUKS named and keyed by the sysroot's crypttab, md RAID1 with a member missing (mdadm's last-resort timer starts it
// degraded), btrfs RAID1 over two disks (64-btrfs.rules waits for both), xfs; Debian 13's systemd 257
// on xfs; a host-only image (captured from the btrfs machine on AHCI) booted with no root= on the
// command line; rd.timeout= as the root device's timeout; rd.emergency, rd.break=pre-mount,
// rd.systemd.unit= and rd.shell=0 covering the rescue shell too. The same storage disks and sysroot
// as storage-boot.test.ts; each boot ends at the real root's marker. Markers, never timings (they are
// printed), except that rd.timeout=7 must end the wait well before the image's 60 s default.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage, runCli } from '../support/build-image.js';
import { systemdRootDisk } from '../support/disks.js';
import { runCliAsync } from '../support/capture/capture-vm.js';
import { kernelImage, kver, trixieKernel } from '../support/fixtures.js';
import { bootVm, type BootResult, type SerialInput, type VmDisk } from '../support/qemu.js';
import { STORAGE_RECIPE as R } from '../support/storage/recipe.js';
import { builderDisksEnv, storageDisks, type StorageDisks } from '../support/storage/storage-disks.js';
import { storageSysroot } from '../support/storage/storage-sysroot.js';
import { captureStorage, STORAGE_CAPTURE_TIMEOUT } from '../support/storage-capture/capture-storage.js';
import { toolsDisk } from '../support/storage-capture/tools-disk.js';

const BOOT_TIMEOUT = 300_000;
const REACHED = /MARKER:systemd multi-user reached/;
// The state line comes after the marker: wait for all of it (the VM is stopped soon after).
const STATE_LINE = /MARKER-STATE: [^\n]*\n/;
const IN_INITRD = /systemd\[1\]: Running in initrd\./;
const ROOT_MOUNTED = /Reached target .*Initrd Root File System/;
const SWITCHED = /initrd-switch-root\.service: Deactivated successfully/;
const SHELL_PROMPT = /Give root password|root account is locked|Press Enter for maintenance|press Control-D to continue/;
let image = '';
let sysroot = '';
let disks: StorageDisks;
let plainDisk = '';

beforeAll(async () => {
  disks = await storageDisks();
  sysroot = await storageSysroot(builderDisksEnv());
  image = buildFixtureImage('storage-systemd', ['-N', '--sysroot', sysroot, '--add', 'systemd-initrd', '--install', R.keyPath, '--compress', 'zstd']);
  plainDisk = await systemdRootDisk({ uuid: R.plain.fsUuid, label: R.plain.label });
}, 60 * 60_000);

const _scratch: string[] = [];
afterAll(() => {
  for (const dir of _scratch) rmSync(dir, { recursive: true, force: true });
});

interface Cell {
  name: string;
  disks: VmDisk[];
  append: string;
  kernel?: string;
  initrd?: string;
  until?: RegExp[];
}

async function boot(cell: Cell): Promise<BootResult> {
  const r = await bootVm({
    kernel: cell.kernel ?? kernelImage(),
    initrd: cell.initrd ?? image,
    append: cell.append,
    disks: cell.disks,
    until: [REACHED, STATE_LINE, ...(cell.until ?? [])],
    failOn: [/MARKER:systemd multi-user NOT reached/, /cannot boot:/, SHELL_PROMPT],
    watch: [ROOT_MOUNTED],
    timeoutMs: BOOT_TIMEOUT,
  });
  if (!r.matched) console.log(r.log.slice(-8000));
  expect(r.matched).toBe(true);
  expect(r.log).toMatch(IN_INITRD);
  expect(r.log).toMatch(SWITCHED);
  expect(r.log).not.toMatch(/mkinitramfs-ts: handing over to systemd/); // not the shell /init
  const at = (re: RegExp): string => `${((r.timeline.find((t) => t.label === re.source)?.ms ?? Number.NaN) / 1000).toFixed(1)} s`;
  console.log(`[systemd-storage] ${cell.name} (${r.accel}): root mounted at ${at(ROOT_MOUNTED)}, marker at ${at(REACHED)} after qemu start`);
  return r;
}

/** `findmnt / -o SOURCE,FSTYPE,OPTIONS` as the booted system printed it. */
function rootMount(r: BootResult): string {
  return /MARKER-STATE: .* root=(.*)$/m.exec(r.log)?.[1] ?? '';
}

describe('the storage image with systemd as PID 1', () => {
  it("holds each stack's udev rules and units, and the root-timeout generator", () => {
    const listing = runCli(['ls', image]);
    for (const path of [
      'usr/lib/udev/rules.d/69-lvm.rules', 'usr/lib/udev/rules.d/55-dm.rules', 'usr/lib/udev/rules.d/95-dm-notify.rules',
      'usr/lib/udev/rules.d/64-md-raid-assembly.rules', 'usr/lib/udev/rules.d/63-md-raid-arrays.rules',
      'usr/lib/systemd/system/mdadm-last-resort@.timer', 'usr/lib/systemd/system/mdadm-last-resort@.service',
      'usr/lib/udev/rules.d/64-btrfs.rules', 'usr/lib/udev/rules.d/63-mkinitramfs-ts-btrfs-load.rules',
      'usr/lib/systemd/system-generators/mkinitramfs-ts-root-timeout', 'usr/lib/systemd/system-generators/mkinitramfs-ts-embedded-root', 'usr/sbin/fsck', 'usr/bin/systemd-run', 'usr/sbin/dmsetup',
      'usr/lib/systemd/system/rescue.service.d/mkinitramfs-ts-shell-guard.conf',
    ])
      expect(listing).toContain(` ${path}`);
  });
});

describe.concurrent('systemd in the image boots systemd from every storage stack (Debian 12, systemd 252)', () => {
  it('root on LVM (virtio-blk): lvm2 udev rules activate the VG, systemd-fsck-root checks it', async () => {
    const r = await boot({ name: 'LVM', disks: [{ file: disks.lvm, bus: 'virtio-blk' }], append: `root=/dev/${R.lvm.vg}/${R.lvm.lv}` });
    expect(rootMount(r)).toMatch(new RegExp(`^/dev/mapper/${R.lvm.vg}-${R.lvm.lv} ext4 `));
    // activated by 69-lvm.rules through systemd-run, not by the shell hook
    expect(r.log).toMatch(new RegExp(`Started .*lvm-activate-.*--autoactivation event ${R.lvm.vg}\\.`));
    expect(r.log).not.toMatch(/logical volume\(s\) in volume group .* now active/);
    // fsck of the root by systemd-fsck-root with the sysroot's fsck.ext4
    expect(r.log).toMatch(new RegExp(`Finished .*systemd-fsck-root.* System Check on /dev/${R.lvm.vg}/${R.lvm.lv}\\.`));
    // the sysroot's crypttab names an NVMe container this machine lacks: it is nofail, nothing waits for it
    expect(r.log).not.toMatch(/Timed out waiting for device|Dependency failed for .*Cryptography Setup/);
  }, BOOT_TIMEOUT + 30_000);

  it('LVM on LUKS on NVMe, no rd.luks= on the command line: the crypttab entry (nofail) names and keys the container', async () => {
    const r = await boot({
      name: 'LVM on LUKS (crypttab)',
      disks: [{ file: disks.nvme, bus: 'nvme', serial: 'nvme-crypt' }],
      append: `root=/dev/mapper/${R.nvme.vg}-${R.nvme.lv}`,
    });
    expect(r.log).toMatch(new RegExp(`Finished .*Cryptography Setup for ${R.nvme.cryptName}\\.`));
    expect(r.log).not.toMatch(/Please enter passphrase|Timed out waiting for device/);
    expect(rootMount(r)).toMatch(new RegExp(`^/dev/mapper/${R.nvme.vg}-${R.nvme.lv} ext4 `));
    // no CPU devices at coldplug, yet dm-crypt's request for xts(aes) got the AES-NI implementation
    expect(r.log).toMatch(/MARKER-CRYPTO: xts\(aes\) in use: xts-aes-aesni/);
  }, BOOT_TIMEOUT + 30_000);

  it('md RAID1 with one disk missing: the last-resort timer starts it degraded', async () => {
    const r = await boot({ name: 'md degraded', disks: [{ file: disks.md[0], bus: 'virtio-blk' }], append: `root=UUID=${R.md.fsUuid} rd.timeout=120` });
    expect(r.log).toMatch(/mkinitramfs-ts: waiting 120s for the root device/);
    expect(r.log).toMatch(/Finished .*mdadm-last-resort.* array md\d+ even though degraded\./);
    expect(r.log).toMatch(/md\/raid1:md\d+: active with 1 out of 2 mirrors/);
    expect(rootMount(r)).toMatch(/^\/dev\/md\d+ ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('btrfs RAID1 over two AHCI disks, rootflags=subvol=@: udev registers both members', async () => {
    const r = await boot({
      name: 'btrfs RAID1',
      disks: disks.btrfs.map((file) => ({ file, bus: 'ahci' as const })),
      append: `root=UUID=${R.btrfs.fsUuid} rootflags=subvol=${R.btrfs.subvol}`,
    });
    expect(rootMount(r)).toMatch(/^\/dev\/sd[ab]\[\/@\] btrfs .*subvol=\/@/);
    for (const devid of [1, 2]) expect(r.log).toMatch(new RegExp(`BTRFS: device label btrfsroot devid ${devid} transid \\d+ /dev/sd[ab] scanned by \\(udev-worker\\)`));
    // no CPU devices at coldplug, yet btrfs got the accelerated crc32c (it keeps the one it mounts with)
    expect(r.log).toMatch(/BTRFS info \(device sd[ab]\): using crc32c \(crc32c-intel\) checksum algorithm/);
  }, BOOT_TIMEOUT + 30_000);

  it('xfs on virtio-scsi, no fsck.xfs run', async () => {
    const r = await boot({ name: 'xfs', disks: [{ file: disks.xfs, bus: 'virtio-scsi' }], append: `root=UUID=${R.xfs.fsUuid}` });
    expect(rootMount(r)).toMatch(/^\/dev\/sda1 xfs /);
  }, BOOT_TIMEOUT + 30_000);
});

describe.concurrent('the command line in systemd mode', () => {
  it('rd.timeout= is the root device timeout: a wrong root fails after it, not after the default', async () => {
    const wrong = '00000000-0000-4000-8000-00000000dead';
    const waiting = /mkinitramfs-ts: waiting 7s for the root device \/dev\/disk\/by-uuid\/0{8}-0000-4000-8000-00000000dead/;
    const timedOut = /mkinitramfs-ts: the root device \/dev\/disk\/by-uuid\/0{8}-0000-4000-8000-00000000dead did not appear within 7s/;
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: image,
      append: `root=UUID=${wrong} rd.timeout=7 rd.shell=0`,
      disks: [{ file: plainDisk, bus: 'virtio-blk' }],
      until: [new RegExp(`mkinitramfs-ts: cannot boot: no device matched root=UUID=${wrong}`), /rd\.shell=0: rebooting/],
      failOn: [REACHED, SHELL_PROMPT],
      watch: [IN_INITRD, waiting, timedOut],
      timeoutMs: BOOT_TIMEOUT,
      graceMs: 20_000,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    const at = (re: RegExp): number => r.timeline.find((t) => t.label === re.source)?.ms ?? Number.NaN;
    console.log(r.timeline.map((t) => `${(t.ms / 1000).toFixed(1)} s ${t.label}`).join('\n'));
    // mkinitramfs-ts-root-wait.service gave up 7 s (plus emulation) after the generator ran, far from the image's 60 s
    const waited = at(timedOut) - at(waiting);
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThan(40_000);
  }, BOOT_TIMEOUT + 60_000);

  it('rd.emergency stops in the emergency shell before the root is mounted', async () => {
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: image,
      append: `root=UUID=${R.plain.fsUuid} rd.emergency`,
      disks: [{ file: plainDisk, bus: 'virtio-blk' }],
      until: [/^SHELL-42$/m],
      failOn: [REACHED, ROOT_MOUNTED, /Give root password|Login incorrect/],
      input: [
        { when: /press Control-D to continue\): $/m, send: '\n' },
        { when: /^~ # /m, send: 'echo SHELL-$((6*7)); poweroff -f\n' },
      ],
      timeoutMs: 150_000,
    });
    if (!r.matched) console.log(r.log.slice(-5000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(IN_INITRD);
  }, BOOT_TIMEOUT + 60_000);

  it('rd.break=pre-mount opens a shell before the root is mounted; exiting it boots on', async () => {
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: image,
      append: `root=UUID=${R.plain.fsUuid} rd.break=pre-mount`,
      disks: [{ file: plainDisk, bus: 'virtio-blk' }],
      until: [/rd\.break=pre-mount: break before continuing/, /^BREAK-42 NOT-MOUNTED$/m, REACHED],
      failOn: [SHELL_PROMPT, /MARKER:systemd multi-user NOT reached/],
      input: [{ when: /^~ # /m, send: 'grep -q " /sysroot " /proc/mounts && m=MOUNTED || m=NOT-MOUNTED; echo BREAK-$((6*7)) $m; exit\n' }],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-5000));
    expect(r.matched).toBe(true);
  }, BOOT_TIMEOUT + 60_000);

  it('rd.systemd.unit=rescue.target with rd.shell=0 reboots instead of opening the rescue shell', async () => {
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: image,
      append: `root=UUID=${R.plain.fsUuid} rd.systemd.unit=rescue.target rd.shell=0`,
      disks: [{ file: plainDisk, bus: 'virtio-blk' }],
      until: [/mkinitramfs-ts: rd\.shell=0: no rescue shell; rebooting/],
      failOn: [REACHED, SHELL_PROMPT, /^~ # /m],
      timeoutMs: 150_000,
      graceMs: 20_000,
    });
    if (!r.matched) console.log(r.log.slice(-5000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/rescue\.service.* - Rescue Shell/); // it was the rescue shell the guard stopped
    expect(r.exitCode).toBe(0); // rebooted: qemu -no-reboot exits
  }, BOOT_TIMEOUT + 60_000);

  it('rd.systemd.unit=rescue.target without rd.shell=0 offers the rescue shell (no guard)', async () => {
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: image,
      append: `root=UUID=${R.plain.fsUuid} rd.systemd.unit=rescue.target`,
      disks: [{ file: plainDisk, bus: 'virtio-blk' }],
      // sulogin --force's prompt (typing Enter there races its TCSAFLUSH; the emergency test types into a shell)
      until: [/You are in rescue mode/, /Press Enter for maintenance/],
      failOn: [REACHED, /rd\.shell=0/, /Give root password|Login incorrect/],
      timeoutMs: 150_000,
    });
    if (!r.matched) console.log(r.log.slice(-5000));
    expect(r.matched).toBe(true);
  }, BOOT_TIMEOUT + 60_000);
});

describe('Debian 13 (systemd 257, kernel 6.12) in systemd mode', () => {
  it('xfs root on virtio-scsi', async () => {
    const k = trixieKernel();
    const img = buildFixtureImage('storage-systemd-257', ['-N', '--sysroot', k.sysroot, '--kver', k.kver, '--add', 'systemd-initrd xfs', '--compress', 'zstd']);
    const r = await boot({ name: 'Debian 13 xfs', kernel: k.image, initrd: img, disks: [{ file: disks.xfs, bus: 'virtio-scsi' }], append: `root=UUID=${R.xfs.fsUuid}` });
    expect(r.log).toMatch(/systemd 257/);
    expect(rootMount(r)).toMatch(/^\/dev\/sda1 xfs /);
  }, BOOT_TIMEOUT + 120_000);
});

describe('a host-only image with systemd as PID 1', () => {
  it('btrfs RAID1 on AHCI, captured from the machine: boots without root= (the embedded root= is mounted)', async () => {
    // captured as storage-hostonly.test.ts does: the machine booted with the generic (shell /init) image
    const generic = buildFixtureImage('storage', ['-N', '--sysroot', sysroot, '--install', R.keyPath, '--compress', 'zstd']);
    const machine = disks.btrfs.map((file) => ({ file, bus: 'ahci' as const }));
    const captured = await captureStorage({
      name: 'sd-btrfs',
      disks: machine,
      append: `root=UUID=${R.btrfs.fsUuid} rootflags=subvol=${R.btrfs.subvol}`,
      image: generic,
      tools: await toolsDisk(),
    });
    _scratch.push(captured.work);
    const img = join(captured.work, 'sd-btrfs-hostonly.img');
    const built = await runCliAsync([
      'build', '-H', '--sysroot', sysroot, '--kver', kver(), '--sysfs', join(captured.dir, 'sys'), '--procfs', join(captured.dir, 'proc'),
      '--add', 'systemd-initrd', '--compress', 'zstd', '-o', img, '-f',
    ]);
    expect(built.code, built.stderr).toBe(0);
    const conf = runCli(['cat', img, '/etc/mkinitramfs-ts/image.conf']);
    const features = /IMAGE_FEATURES='([^']*)'/.exec(conf)?.[1]?.split(' ') ?? [];
    expect(features).toEqual(expect.arrayContaining(['btrfs', 'systemd-initrd']));
    for (const absent of ['lvm', 'mdraid', 'crypt']) expect(features).not.toContain(absent);
    const cmdline = runCli(['cat', img, '/etc/cmdline.d/00-mkinitramfs-ts.conf']).trim();
    expect(cmdline.split(' ')).toEqual(expect.arrayContaining([`root=UUID=${R.btrfs.fsUuid}`, 'rootfstype=btrfs', `rootflags=subvol=${R.btrfs.subvol}`]));
    console.log(`[systemd-storage] host-only btrfs image: ${built.stderr.trim().split('\n').at(-1)}`);
    const r = await boot({ name: 'host-only btrfs RAID1 on AHCI', initrd: img, disks: machine, append: '' });
    expect(r.log).not.toMatch(/Kernel command line:.*\broot=/);
    expect(r.log).toMatch(new RegExp(`mkinitramfs-ts: mounting the embedded root=UUID=${R.btrfs.fsUuid} on /sysroot`));
    expect(rootMount(r)).toMatch(/^\/dev\/sd[ab]\[\/@\] btrfs .*subvol=\/@/);
  }, STORAGE_CAPTURE_TIMEOUT + BOOT_TIMEOUT + 180_000);
});
