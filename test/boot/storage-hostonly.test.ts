// Host-only images for the storage stacks, booted for real: each storage machine is captured from
// inside (the storage root's capture unit, run with `mkinitramfs_ts.capture=1`, node and the runtime
// from the tools disk), a host-only image is built from that capture with the storage sysroot (its
// crypttab, and the key file it names), the image must hold the stack's tools and drivers and none
// of the other stacks', its embedded command line must name the root and the stack, and it must boot
// the same disks into systemd with NO root= on the command line. Markers, never timings.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage } from '../support/build-image.js';
import { runCliAsync } from '../support/capture/capture-vm.js';
import { kernelImage, kver } from '../support/fixtures.js';
import { bootVm, type BootResult, type VmDisk } from '../support/qemu.js';
import { captureStorage, STORAGE_CAPTURE_TIMEOUT, type StorageCapture } from '../support/storage-capture/capture-storage.js';
import { toolsDisk } from '../support/storage-capture/tools-disk.js';
import { STORAGE_RECIPE as R } from '../support/storage/recipe.js';
import { builderDisksEnv, storageDisks, type StorageDisks } from '../support/storage/storage-disks.js';
import { storageSysroot } from '../support/storage/storage-sysroot.js';

const BOOT_TIMEOUT = 300_000;
const CASE_TIMEOUT = STORAGE_CAPTURE_TIMEOUT + BOOT_TIMEOUT + 180_000;
const REACHED = /MARKER:systemd multi-user reached/;
// The state line comes after the marker: wait for all of it (the VM is stopped soon after the last marker).
const STATE_LINE = /MARKER-STATE: [^\n]*\n/;
const PROMPT = /Enter passphrase for/;
/** The stacks' tools and their features; each image must hold its own and none of the others. */
const TOOLS = { lvm: 'lvm', crypt: 'cryptsetup', mdraid: 'mdadm', btrfs: 'btrfs' } as const;
type Stack = keyof typeof TOOLS;

let generic = '';
let tools = '';
let sysroot = '';
let disks: StorageDisks;
const _scratch: string[] = [];

beforeAll(async () => {
  disks = await storageDisks();
  sysroot = await storageSysroot(builderDisksEnv());
  generic = buildFixtureImage('storage', ['-N', '--sysroot', sysroot, '--install', R.keyPath, '--compress', 'zstd']);
  tools = await toolsDisk();
}, 60 * 60_000);

afterAll(() => {
  for (const dir of _scratch) rmSync(dir, { recursive: true, force: true });
});

interface Machine {
  name: string;
  /** The root file system as explain names it: "/ (ext4 UUID=…)". */
  root: string;
  disks: () => VmDisk[];
  /** What the generic image needs to mount this root (the capture boot). */
  genericAppend: string;
}

interface HostOnlyImage {
  captured: StorageCapture;
  image: string;
  bytes: number;
  buildMs: number;
  /** Module names (underscores) of every .ko in the image. */
  modules: string[];
  /** Every path in the image. */
  paths: string[];
  features: string[];
  /** The embedded default command line. */
  cmdline: string;
  /** explain's chains per module. */
  chains: Map<string, string[]>;
}

async function _cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCliAsync(args);
  if (r.code !== 0) throw new Error(`mkinitramfs-ts ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

/** Capture the machine and build its host-only image from the capture with the storage sysroot. */
async function hostOnlyImage(m: Machine): Promise<HostOnlyImage> {
  const captured = await captureStorage({ name: m.name, disks: m.disks(), append: m.genericAppend, image: generic, tools });
  _scratch.push(captured.work);
  const image = join(captured.work, `${m.name}-hostonly.img`);
  const started = Date.now();
  const built = await _cli([
    'build', '-H', '--sysroot', sysroot, '--kver', kver(),
    '--sysfs', join(captured.dir, 'sys'), '--procfs', join(captured.dir, 'proc'),
    '--install', R.keyPath, '-o', image, '-f',
  ]);
  const buildMs = Date.now() - started;
  const buildFlags = ['-H', '--sysroot', sysroot, '--kver', kver(), '--sysfs', join(captured.dir, 'sys'), '--procfs', join(captured.dir, 'proc')];
  const bytes = statSync(image).size;
  const paths = (await _cli(['ls', image])).stdout.split('\n').map((l) => l.split(/\s+/).at(-1) ?? '').filter((p) => p !== '');
  const modules = paths
    .map((p) => /\/([^/]+)\.ko(?:\.[a-z]+)?$/.exec(p)?.[1]?.replace(/-/g, '_'))
    .filter((n): n is string => n !== undefined)
    .sort();
  const conf = (await _cli(['cat', image, '/etc/mkinitramfs-ts/image.conf'])).stdout;
  const features = /IMAGE_FEATURES='([^']*)'/.exec(conf)?.[1]?.split(' ') ?? [];
  const cmdline = (await _cli(['cat', image, '/etc/cmdline.d/00-mkinitramfs-ts.conf'])).stdout.trim();
  const chains = new Map<string, string[]>();
  for (const line of (await _cli(['explain', ...buildFlags, ...modules])).stdout.split('\n')) {
    const at = line.indexOf(' ← ');
    if (at >= 0) chains.set(line.slice(0, at), [...(chains.get(line.slice(0, at)) ?? []), line]);
  }
  console.log(
    `[storage host-only] ${m.name}: capture boot ${Math.round(captured.boot.durationMs / 1000)} s, build ${(buildMs / 1000).toFixed(1)} s, ` +
      `${bytes} bytes (${(bytes / 1048576).toFixed(2)} MiB), ${modules.length} modules, features ${features.join(' ')}\n` +
      `  cmdline: ${cmdline}\n  modules: ${modules.join(' ')}\n${built.stderr.trim()}`,
  );
  return { captured, image, bytes, buildMs, modules, paths, features, cmdline, chains };
}

/** The image holds the tools of `own` stacks and none of the others' (binary and feature). */
function expectStacks(img: HostOnlyImage, own: Stack[]): void {
  const hasTool = (t: string): boolean => img.paths.some((p) => new RegExp(`^(?:usr/)?s?bin/${t}$`).test(p));
  for (const stack of Object.keys(TOOLS) as Stack[]) {
    const want = own.includes(stack);
    expect(hasTool(TOOLS[stack]), `${TOOLS[stack]} in the ${own.join('+')} image`).toBe(want);
    expect(img.features.includes(stack), `feature ${stack} in the ${own.join('+')} image`).toBe(want);
  }
}

/**
 * Every module is there for the root: a chain ends in the root file system (its block stack and
 * hardware, its file system) or in one of the image's own stack features, detected on the host.
 */
function expectJustified(img: HostOnlyImage, m: Machine, own: Stack[]): void {
  const ends = [` ← ${m.root}`, ` ← file system of ${m.root}`, ...own.map((f) => ` ← feature ${f} (detected on the host)`)];
  const justified = (c: string): boolean => ends.some((e) => c.endsWith(e));
  const unjustified = img.modules.filter((mod) => !(img.chains.get(mod) ?? []).some(justified));
  expect(unjustified.map((mod) => `${mod}: ${(img.chains.get(mod) ?? ['(no chain)']).join(' | ')}`)).toEqual([]);
}

/** Boot the machine's disks (no tools, no capture disk) with the host-only image and NO root=. */
async function bootHostOnly(m: Machine, img: HostOnlyImage, failOn: RegExp[] = []): Promise<BootResult> {
  const r = await bootVm({
    kernel: kernelImage(),
    initrd: img.image,
    append: '',
    disks: m.disks(),
    until: [REACHED, STATE_LINE],
    failOn: [/MARKER:systemd multi-user NOT reached/, /cannot boot/, /MARKER:capture/, ...failOn],
    timeoutMs: BOOT_TIMEOUT,
  });
  if (!r.matched) console.log(r.log.slice(-6000));
  else console.log(`[storage host-only] ${m.name}: booted without root= in ${Math.round(r.durationMs / 1000)} s in the VM`);
  expect(r.matched).toBe(true);
  expect(r.log).not.toMatch(/Kernel command line:.*\broot=/);
  return r;
}

/**
 * An LVM image holds md_mod and raid456 only because the lvm feature carries dm_raid (RAID LVs),
 * which depends on them: never for an md array (that would need the mdraid feature and mdadm).
 */
function expectMdOnlyForDmRaid(img: HostOnlyImage): void {
  for (const mod of ['md_mod', 'raid456']) {
    for (const chain of img.chains.get(mod) ?? []) expect(chain).toMatch(/^\S+ ← depends of dm_raid ← feature lvm \(detected on the host\)$/);
  }
}

/** `findmnt / -o SOURCE,FSTYPE,OPTIONS` as the booted system printed it. */
function rootMount(r: BootResult): string {
  return /MARKER-STATE: .* root=(.*)$/m.exec(r.log)?.[1] ?? '';
}

const LVM: Machine = {
  name: 'lvm',
  root: `/ (ext4 UUID=${R.lvm.fsUuid})`,
  disks: () => [{ file: disks.lvm, bus: 'virtio-blk' }],
  genericAppend: `root=/dev/${R.lvm.vg}/${R.lvm.lv} rd.lvm.vg=${R.lvm.vg}`,
};
const LVM_LUKS_NVME: Machine = {
  name: 'lvm-luks-nvme',
  root: `/ (ext4 UUID=${R.nvme.fsUuid})`,
  disks: () => [{ file: disks.nvme, bus: 'nvme', serial: 'nvme-crypt' }],
  genericAppend: `root=/dev/mapper/${R.nvme.vg}-${R.nvme.lv}`,
};
const MD: Machine = {
  name: 'md-raid1',
  root: `/ (ext4 UUID=${R.md.fsUuid})`,
  disks: () => disks.md.map((file) => ({ file, bus: 'virtio-blk' as const })),
  genericAppend: `root=/dev/md/${R.md.name} rd.md.uuid=${R.md.mdUuid}`,
};
const BTRFS: Machine = {
  name: 'btrfs-raid1',
  root: `/ (btrfs UUID=${R.btrfs.fsUuid})`,
  disks: () => disks.btrfs.map((file) => ({ file, bus: 'ahci' as const })),
  genericAppend: `root=UUID=${R.btrfs.fsUuid} rootflags=subvol=${R.btrfs.subvol}`,
};

describe.concurrent('host-only images of the storage stacks boot the machines they were captured from', () => {
  it('root on LVM (virtio-blk): lvm + dm_mod, no mdadm/cryptsetup/btrfs, boots without root=', async () => {
    const img = await hostOnlyImage(LVM);
    expectStacks(img, ['lvm']);
    expectJustified(img, LVM, ['lvm']);
    expect(img.modules).toEqual(expect.arrayContaining(['dm_mod', 'virtio_blk', 'virtio_pci', 'ext4']));
    for (const absent of ['dm_crypt', 'raid1', 'raid10', 'btrfs', 'nvme', 'ahci']) expect(img.modules).not.toContain(absent);
    expectMdOnlyForDmRaid(img);
    expect(img.cmdline.split(' ')).toEqual(expect.arrayContaining([`root=UUID=${R.lvm.fsUuid}`, 'rootfstype=ext4']));
    expect(img.cmdline).not.toMatch(/rd\.luks|rd\.md|rootflags/);
    const r = await bootHostOnly(LVM, img);
    expect(rootMount(r)).toMatch(new RegExp(`^/dev/(?:mapper/${R.lvm.vg}-${R.lvm.lv}|dm-\\d+) ext4 `));
  }, CASE_TIMEOUT);

  it('LVM on LUKS on NVMe: lvm + cryptsetup + dm_crypt + nvme, the crypttab key file, rd.luks.uuid=, boots without root=', async () => {
    const img = await hostOnlyImage(LVM_LUKS_NVME);
    expectStacks(img, ['lvm', 'crypt']);
    expectJustified(img, LVM_LUKS_NVME, ['lvm', 'crypt']);
    expect(img.modules).toEqual(expect.arrayContaining(['dm_crypt', 'dm_mod', 'nvme', 'nvme_core', 'ext4']));
    // the tools and capture disks were virtio-blk on the captured machine, but hold no part of the root
    for (const absent of ['raid1', 'raid10', 'btrfs', 'virtio_blk', 'ahci']) expect(img.modules).not.toContain(absent);
    expectMdOnlyForDmRaid(img);
    expect(img.paths).toEqual(expect.arrayContaining(['etc/crypttab', R.keyPath.slice(1)]));
    expect(img.cmdline.split(' ')).toEqual(expect.arrayContaining([`root=UUID=${R.nvme.fsUuid}`, 'rootfstype=ext4', `rd.luks.uuid=${R.nvme.luksUuid}`]));
    // No rd.luks.key=: the sysroot's crypttab (in the image) names the key file for this UUID.
    const r = await bootHostOnly(LVM_LUKS_NVME, img, [PROMPT]);
    expect(r.log).toMatch(new RegExp(`unlocking /dev/nvme0n1p1 \\(UUID=${R.nvme.luksUuid}\\) as /dev/mapper/${R.nvme.cryptName} with key file ${R.keyPath}`));
    expect(rootMount(r)).toMatch(new RegExp(`^/dev/(?:mapper/${R.nvme.vg}-${R.nvme.lv}|dm-\\d+) ext4 `));
  }, CASE_TIMEOUT);

  it('md RAID1 (both disks): mdadm + md_mod + raid1, no lvm/cryptsetup/btrfs, rd.md.uuid=, boots without root=', async () => {
    const img = await hostOnlyImage(MD);
    expectStacks(img, ['mdraid']);
    expectJustified(img, MD, ['mdraid']);
    expect(img.modules).toEqual(expect.arrayContaining(['md_mod', 'raid1', 'virtio_blk', 'ext4']));
    // linear, raid0, raid10 and raid456 are there too: the mdraid feature carries every md personality
    // (as dracut's does), justified by the feature, not by this host's array
    for (const absent of ['dm_mod', 'dm_crypt', 'btrfs', 'nvme', 'ahci']) expect(img.modules).not.toContain(absent);
    expect(img.cmdline.split(' ')).toEqual(expect.arrayContaining([`root=UUID=${R.md.fsUuid}`, 'rootfstype=ext4']));
    // the array's UUID in any notation (mdadm's 8:8:8:8 or the detector's 8-4-4-4-12): md-lib.sh takes both
    const hex = (u: string): string => u.replace(/[^0-9a-f]/gi, '').toLowerCase();
    expect(img.cmdline.split(' ').filter((w) => w.startsWith('rd.md.uuid=')).map((w) => hex(w.slice('rd.md.uuid='.length)))).toEqual([hex(R.md.mdUuid)]);
    const r = await bootHostOnly(MD, img, [/DEGRADED/]);
    expect(rootMount(r)).toMatch(/^\/dev\/md[/\w]* ext4 /);
  }, CASE_TIMEOUT);

  it('btrfs RAID1 (AHCI) with subvol=@: btrfs, no lvm/cryptsetup/mdadm, rootflags=subvol=@, boots without root=', async () => {
    const img = await hostOnlyImage(BTRFS);
    expectStacks(img, ['btrfs']);
    expectJustified(img, BTRFS, ['btrfs']);
    expect(img.modules).toEqual(expect.arrayContaining(['btrfs', 'ahci', 'sd_mod']));
    for (const absent of ['dm_mod', 'dm_crypt', 'md_mod', 'raid1', 'virtio_blk', 'nvme']) expect(img.modules).not.toContain(absent);
    expect(img.cmdline.split(' ')).toEqual(expect.arrayContaining([`root=UUID=${R.btrfs.fsUuid}`, 'rootfstype=btrfs', `rootflags=subvol=${R.btrfs.subvol}`]));
    const r = await bootHostOnly(BTRFS, img);
    expect(rootMount(r)).toMatch(/^\/dev\/sd[ab]\[\/@\] btrfs .*subvol=\/@/);
    for (const devid of [1, 2]) expect(r.log).toMatch(new RegExp(`BTRFS: device label btrfsroot devid ${devid} transid \\d+ /dev/sd[ab] scanned by btrfs`));
  }, CASE_TIMEOUT);
});
