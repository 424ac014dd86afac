// The generic image boots the real Debian kernel into the real systemd root on every storage stack
// the peers can mount: LVM, LUKS2 (passphrase typed on the console / key file in the image), LUKS1
// (key file in the image), LVM on LUKS on NVMe (named by the sysroot's crypttab), md RAID1 whole and
// degraded, btrfs RAID1 with subvol=@, xfs on virtio-scsi, ext4 on USB, a dirty ext4 that fsck
// repairs, root=/dev/disk/by-uuid/.
// One image for all cells, built from the fixture sysroot plus the key file and crypttab a real host
// would have. Markers printed by the booted system, never timings.
import { closeSync, openSync, readSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage, runCli } from '../support/build-image.js';
import { systemdRootDisk } from '../support/disks.js';
import { kernelImage } from '../support/fixtures.js';
import { bootVm, type BootResult, type SerialInput, type VmDisk } from '../support/qemu.js';
import { dirtyExt4RootDisk } from '../support/storage/dirty-ext4.js';
import { STORAGE_RECIPE as R } from '../support/storage/recipe.js';
import { builderDisksEnv, storageDisks, type StorageDisks } from '../support/storage/storage-disks.js';
import { storageSysroot } from '../support/storage/storage-sysroot.js';

const BOOT_TIMEOUT = 300_000;
const REACHED = /MARKER:systemd multi-user reached/;
// The state line comes after the marker (systemctl and findmnt run first): wait for all of it, since
// the harness stops the VM a few seconds after the last awaited marker.
const STATE_LINE = /MARKER-STATE: [^\n]*\n/;
const PROMPT = /Enter passphrase for/;
let image = '';
let disks: StorageDisks;
let plainDisk = '';
let dirtyDisk = '';

beforeAll(async () => {
  disks = await storageDisks();
  const sysroot = await storageSysroot(builderDisksEnv());
  image = buildFixtureImage('storage', ['-N', '--sysroot', sysroot, '--install', R.keyPath, '--compress', 'zstd']);
  plainDisk = await systemdRootDisk({ uuid: R.plain.fsUuid, label: R.plain.label });
  dirtyDisk = await dirtyExt4RootDisk({ uuid: R.dirty.fsUuid, label: R.dirty.label });
}, 60 * 60_000);

interface Cell {
  disks: VmDisk[];
  append: string;
  input?: SerialInput[];
  failOn?: RegExp[];
  until?: RegExp[];
}

async function boot(cell: Cell): Promise<BootResult> {
  const r = await bootVm({
    kernel: kernelImage(),
    initrd: image,
    append: cell.append,
    disks: cell.disks,
    until: [REACHED, STATE_LINE, ...(cell.until ?? [])],
    failOn: [/MARKER:systemd multi-user NOT reached/, /cannot boot:/, ...(cell.failOn ?? [])],
    input: cell.input ?? [],
    timeoutMs: BOOT_TIMEOUT,
  });
  if (!r.matched) console.log(r.log.slice(-6000));
  else console.log(`[storage] ${cell.append}: ${Math.round(r.durationMs / 1000)} s in the VM`);
  expect(r.matched).toBe(true);
  return r;
}

/**
 * The LUKS header version of GPT partition 1 (at 1 MiB, see makeGptDisk): the on-disk header
 * starts with the magic "LUKS\xba\xbe" then a big-endian u16 version (1 or 2).
 */
function luksVersion(file: string): number {
  const head = Buffer.alloc(8);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 1024 * 1024);
  } finally {
    closeSync(fd);
  }
  expect(head.subarray(0, 6)).toEqual(Buffer.from([0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]));
  return head.readUInt16BE(6);
}

/** `findmnt / -o SOURCE,FSTYPE,OPTIONS` as the booted system printed it. */
function rootMount(r: BootResult): string {
  return /MARKER-STATE: .* root=(.*)$/m.exec(r.log)?.[1] ?? '';
}

describe('the generic storage image', () => {
  it('has the storage features by default, since the sysroot has their tools', () => {
    const conf = runCli(['cat', image, '/etc/mkinitramfs-ts/image.conf']);
    const features = /IMAGE_FEATURES='([^']*)'/.exec(conf)?.[1]?.split(' ') ?? [];
    expect(features).toEqual(expect.arrayContaining(['lvm', 'crypt', 'mdraid', 'btrfs', 'xfs', 'resume']));
    expect(runCli(['cat', image, R.keyPath])).toBeTruthy();
  });
});

describe.concurrent('the generic image boots systemd from every storage stack', () => {
  it('root on LVM (virtio-blk), rd.lvm.vg=, resume= a swap LV by UUID', async () => {
    const r = await boot({
      disks: [{ file: disks.lvm, bus: 'virtio-blk' }],
      append: `root=/dev/${R.lvm.vg}/${R.lvm.lv} rd.lvm.vg=${R.lvm.vg} resume=UUID=${R.lvm.swapUuid}`,
    });
    expect(rootMount(r)).toMatch(new RegExp(`^/dev/${R.lvm.vg}/${R.lvm.lv} ext4 `));
    expect(r.log).toMatch(/resume: looking for a hibernation image on \/dev\/dm-\d+ \(253:\d+\)/);
    expect(r.log).toMatch(/resume: no hibernation image on \/dev\/dm-\d+, booting normally/);
  }, BOOT_TIMEOUT + 30_000);

  it('rd.lvm=0 leaves LVM alone, so an LVM root is not found', async () => {
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: image,
      append: `root=/dev/${R.lvm.vg}/${R.lvm.lv} rd.lvm=0 rd.timeout=8 rd.shell=0`,
      disks: [{ file: disks.lvm, bus: 'virtio-blk' }],
      until: [/cannot boot: no device matched root=\/dev\/vgroot\/root after 8s/, /rd\.shell=0: rebooting/],
      failOn: [REACHED, /logical volume\(s\) in volume group/],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-4000));
    expect(r.matched).toBe(true);
  }, BOOT_TIMEOUT + 30_000);

  it('root on LUKS2 (AHCI), a wrong then the right passphrase typed on the console', async () => {
    const r = await boot({
      disks: [{ file: disks.luks, bus: 'ahci' }],
      append: `root=UUID=${R.luks.fsUuid} rd.luks.uuid=luks-${R.luks.luksUuid}`,
      input: [
        { when: PROMPT, send: 'not the passphrase\n' },
        { when: PROMPT, send: `${R.passphrase}\n` },
      ],
    });
    expect(r.log).toMatch(new RegExp(`/dev/sda1 \\(UUID=${R.luks.luksUuid}\\) is encrypted: type its passphrase`));
    expect(r.log).toMatch(/No key available with this passphrase[^]*Try again\.[^]*Enter passphrase for \/dev\/sda1/);
    expect(r.log).not.toContain(R.passphrase); // typed with echo off
    // found by the file system's UUID on the opened mapping
    expect(rootMount(r)).toMatch(/^\/dev\/dm-0 ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('rd.debug traces /init but never a typed passphrase (LUKS2, AHCI, a wrong one then the right one)', async () => {
    const wrong = 'wrong-Passphrase-7391';
    const r = await boot({
      disks: [{ file: disks.luks, bus: 'ahci' }],
      append: `root=UUID=${R.luks.fsUuid} rd.luks.uuid=luks-${R.luks.luksUuid} rd.debug`,
      input: [
        { when: PROMPT, send: `${wrong}\n` },
        { when: PROMPT, send: `${R.passphrase}\n` },
      ],
    });
    // tracing really was on: around the prompts, and after the last one
    expect(r.log).toMatch(/^\+ stty -echo\r?$/m);
    const afterLast = r.log.slice(r.log.lastIndexOf('Enter passphrase for'));
    expect(afterLast).toMatch(/^\+ stty echo\r?$/m);
    expect(afterLast).toMatch(/^\+ run_hooks pre-mount\r?$/m);
    expect(r.log).toMatch(/No key available with this passphrase[^]*Try again\./);
    expect(r.log).not.toContain(wrong);
    expect(r.log).not.toContain(R.passphrase);
    expect(rootMount(r)).toMatch(/^\/dev\/dm-0 ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('root on LUKS2 (virtio-blk) with a key file in the image: rd.luks.key=, rd.luks.name=', async () => {
    const r = await boot({
      disks: [{ file: disks.luks, bus: 'virtio-blk' }],
      append: `root=/dev/mapper/cryptroot rd.luks.name=${R.luks.luksUuid}=cryptroot rd.luks.key=${R.keyPath}`,
      failOn: [PROMPT],
    });
    expect(r.log).toMatch(new RegExp(`unlocking /dev/vda1 \\(UUID=${R.luks.luksUuid}\\) as /dev/mapper/cryptroot with key file ${R.keyPath}`));
    expect(rootMount(r)).toMatch(/^\/dev\/mapper\/cryptroot ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('root on LUKS1 (virtio-blk) with a key file in the image: rd.luks.key=, rd.luks.name=, root=UUID=', async () => {
    expect(luksVersion(disks.luks1)).toBe(1); // the builder also checked `cryptsetup luksDump` says Version: 1
    expect(luksVersion(disks.luks)).toBe(2);
    const r = await boot({
      disks: [{ file: disks.luks1, bus: 'virtio-blk' }],
      append: `rd.luks.name=${R.luks1.luksUuid}=cryptroot1 rd.luks.key=${R.keyPath} root=UUID=${R.luks1.fsUuid}`,
      failOn: [PROMPT],
    });
    expect(r.log).toMatch(new RegExp(`unlocking /dev/vda1 \\(UUID=${R.luks1.luksUuid}\\) as /dev/mapper/cryptroot1 with key file ${R.keyPath}`));
    expect(rootMount(r)).toMatch(/^\/dev\/(dm-0|mapper\/cryptroot1) ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('LVM on LUKS on NVMe, the container named and keyed by the sysroot crypttab', async () => {
    const r = await boot({
      disks: [{ file: disks.nvme, bus: 'nvme', serial: 'nvme-crypt' }],
      append: `root=/dev/mapper/${R.nvme.vg}-${R.nvme.lv}`,
      failOn: [PROMPT],
    });
    expect(r.log).toMatch(new RegExp(`unlocking /dev/nvme0n1p1 \\(UUID=${R.nvme.luksUuid}\\) as /dev/mapper/${R.nvme.cryptName} with key file`));
    expect(rootMount(r)).toMatch(new RegExp(`^/dev/mapper/${R.nvme.vg}-${R.nvme.lv} ext4 `));
  }, BOOT_TIMEOUT + 30_000);

  it('md RAID1 with both disks, root=/dev/md/root rd.md.uuid=', async () => {
    const r = await boot({
      disks: disks.md.map((file) => ({ file, bus: 'virtio-blk' as const })),
      append: `root=/dev/md/${R.md.name} rd.md.uuid=${R.md.mdUuid}`,
      failOn: [/DEGRADED/],
    });
    expect(rootMount(r)).toMatch(new RegExp(`^/dev/md/${R.md.name} ext4 `));
  }, BOOT_TIMEOUT + 30_000);

  it('md RAID1 with one disk missing starts degraded and boots', async () => {
    const r = await boot({
      disks: [{ file: disks.md[0], bus: 'virtio-blk' }],
      append: `root=UUID=${R.md.fsUuid} rd.timeout=30`,
      until: [/md array \/dev\/md\d+ runs DEGRADED: 1 member\(s\) missing/],
    });
    expect(rootMount(r)).toMatch(/^\/dev\/md\d+ ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('btrfs RAID1 over two AHCI disks, rootflags=subvol=@', async () => {
    const r = await boot({
      disks: disks.btrfs.map((file) => ({ file, bus: 'ahci' as const })),
      append: `root=UUID=${R.btrfs.fsUuid} rootflags=subvol=${R.btrfs.subvol}`,
    });
    expect(rootMount(r)).toMatch(/^\/dev\/sd[ab]\[\/@\] btrfs .*subvol=\/@/);
    // both members were registered by the image's `btrfs device scan`, not found by the kernel itself
    for (const devid of [1, 2]) expect(r.log).toMatch(new RegExp(`BTRFS: device label btrfsroot devid ${devid} transid \\d+ /dev/sd[ab] scanned by btrfs`));
  }, BOOT_TIMEOUT + 30_000);

  it('xfs on virtio-scsi, no fsck attempted', async () => {
    const r = await boot({
      disks: [{ file: disks.xfs, bus: 'virtio-scsi' }],
      append: `root=UUID=${R.xfs.fsUuid}`,
      failOn: [/checking \/dev\/sda1/],
    });
    expect(rootMount(r)).toMatch(/^\/dev\/sda1 xfs /);
  }, BOOT_TIMEOUT + 30_000);

  it('ext4 on USB storage, root=LABEL=', async () => {
    const r = await boot({ disks: [{ file: plainDisk, bus: 'usb' }], append: `root=LABEL=${R.plain.label}` });
    expect(rootMount(r)).toMatch(/^\/dev\/sda ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('a dirty ext4 root mounted ro is repaired by fsck first', async () => {
    const r = await boot({
      disks: [{ file: dirtyDisk, bus: 'virtio-blk' }],
      append: `root=UUID=${R.dirty.fsUuid} ro`,
      until: [/was not cleanly unmounted, check forced/, /fsck repaired errors on \/dev\/vda/],
    });
    expect(rootMount(r)).toMatch(/^\/dev\/vda ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('root=/dev/disk/by-uuid/… (virtio-blk)', async () => {
    const r = await boot({ disks: [{ file: plainDisk, bus: 'virtio-blk' }], append: `root=/dev/disk/by-uuid/${R.plain.fsUuid}` });
    expect(rootMount(r)).toMatch(/^\/dev\/vda ext4 /);
  }, BOOT_TIMEOUT + 30_000);
});
