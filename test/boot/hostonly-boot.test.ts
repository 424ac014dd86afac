// Host-only images, proven on real boots: each QEMU machine is captured from inside by the guest
// itself (`capture-host` in a systemd root booted with the generic image), a host-only image is
// built from that capture for the fixture kernel, `explain` must justify every module of it by the
// root or a keyboard, and the image must boot the same machine with no root= on the command line.
// Then the mismatch: the virtio-blk machine's image on the virtio-scsi machine must fail, naming
// the device it has no driver for, and `check-host` must say so before any reboot.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectHost } from '../../src/detect/detect-host.js';
import type { AncestorFact, BlockNode, HostFacts } from '../../src/detect/host-facts.js';
import { FsHost } from '../../src/host/fs-host.js';
import { buildFixtureImage } from '../support/build-image.js';
import { captureRootDisk } from '../support/capture/capture-root.js';
import { blankDisk, CAPTURE_TIMEOUT, captureMachine, runCliAsync, type CapturedMachine } from '../support/capture/capture-vm.js';
import { AHCI_NVME, hardwareDisks, VIRTIO_BLK, VIRTIO_SCSI_USB_KBD, type Hardware } from '../support/capture/hardware.js';
import { buildSysroot, kernelImage, kver } from '../support/fixtures.js';
import { bootVm, type BootResult } from '../support/qemu.js';

const ROOT_UUID = '7c3e1a52-0d4b-4f6e-9a18-2b5c6d7e8f01';
const BOOT_TIMEOUT = 300_000;
const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
const SYSTEMD_REACHED = /MARKER:systemd multi-user reached/;
// The state line comes after the marker: wait for all of it (the VM is stopped soon after the last marker).
const STATE_LINE = /MARKER-STATE: [^\n]*\n/;
/** A chain that ends in the root file system or in a keyboard. */
const JUSTIFIED = new RegExp(`← (?:file system of )?/ \\(ext4 UUID=${ROOT_UUID}\\)$|← keyboard [^←]+$`);

let generic = '';
let rootDisk = '';
const _scratch: string[] = [];

/** A new temporary directory, removed after the tests (serial logs of failed boots are kept apart). */
function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  _scratch.push(dir);
  return dir;
}

beforeAll(async () => {
  generic = buildFixtureImage('generic', ['-N']);
  rootDisk = await captureRootDisk({ uuid: ROOT_UUID, label: 'capture-root' });
}, 900_000);

afterAll(() => {
  for (const dir of _scratch) rmSync(dir, { recursive: true, force: true });
});

interface HostOnlyImage {
  captured: CapturedMachine;
  buildFlags: string[];
  image: string;
  bytes: number;
  /** Module names (underscores) of every .ko in the image. */
  modules: string[];
  /** explain's chains per module. */
  chains: Map<string, string[]>;
}

const _images = new Map<string, Promise<HostOnlyImage>>();

/** Capture the machine, build its host-only image, list and explain its modules (once per machine). */
function hostOnlyImage(hw: Hardware): Promise<HostOnlyImage> {
  let p = _images.get(hw.name);
  if (!p) {
    p = _captureAndBuild(hw);
    _images.set(hw.name, p);
  }
  return p;
}

async function _captureAndBuild(hw: Hardware): Promise<HostOnlyImage> {
  const captured = await captureMachine(hw, { rootDisk, rootUuid: ROOT_UUID, image: generic });
  _scratch.push(captured.work);
  const buildFlags = ['-H', '--sysroot', buildSysroot(), '--kver', kver(), '--sysfs', join(captured.dir, 'sys'), '--procfs', join(captured.dir, 'proc')];
  const image = join(scratchDir('mkinitramfs-ts-hostonly-'), `${hw.name}.img`);
  const built = await _cli(['build', ...buildFlags, '-o', image, '-f']);
  const bytes = statSync(image).size;
  const modules = (await _cli(['ls', image])).stdout
    .split('\n')
    .map((l) => /\/([^/]+)\.ko(?:\.[a-z]+)?$/.exec(l)?.[1]?.replace(/-/g, '_'))
    .filter((m): m is string => m !== undefined)
    .sort();
  const chains = new Map<string, string[]>();
  for (const line of (await _cli(['explain', ...buildFlags, ...modules])).stdout.split('\n')) {
    const at = line.indexOf(' ← ');
    if (at < 0) continue;
    const name = line.slice(0, at);
    chains.set(name, [...(chains.get(name) ?? []), line]);
  }
  console.log(`host-only ${hw.name}: ${bytes} bytes (${(bytes / 1048576).toFixed(2)} MiB), ${modules.length} modules: ${modules.join(' ')}\n${built.stderr.trim()}`);
  return { captured, buildFlags, image, bytes, modules, chains };
}

async function _cli(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCliAsync(args);
  if (r.code !== 0) throw new Error(`mkinitramfs-ts ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r;
}

/** Boot `image` on the machine `hw` (root disk + a blank data disk) with `append`. */
function bootOn(hw: Hardware, image: string, append: string, until: RegExp[], failOn: RegExp[]): Promise<BootResult> {
  const data = blankDisk(join(scratchDir('mkinitramfs-ts-data-'), 'data.raw'));
  return bootVm({
    kernel: kernelImage(),
    initrd: image,
    append,
    disks: hardwareDisks(hw, rootDisk, data),
    extraArgs: hw.extraArgs,
    until,
    failOn,
    timeoutMs: BOOT_TIMEOUT,
  });
}

function expectJustified(img: HostOnlyImage): void {
  const unjustified = img.modules.filter((m) => !(img.chains.get(m) ?? []).some((c) => JUSTIFIED.test(c)));
  expect(unjustified.map((m) => `${m}: ${(img.chains.get(m) ?? ['(no chain)']).join(' | ')}`)).toEqual([]);
}

async function expectBootsWithoutRootArg(hw: Hardware, img: HostOnlyImage, rootDev: RegExp): Promise<void> {
  const embedded = (await _cli(['cat', img.image, '/etc/cmdline.d/00-mkinitramfs-ts.conf'])).stdout;
  expect(embedded).toContain(`root=UUID=${ROOT_UUID}`);
  expect(embedded).toContain('rootfstype=ext4');
  // No root= here: the image's embedded default must find the root by itself.
  const r = await bootOn(hw, img.image, '', [SYSTEMD_REACHED, STATE_LINE], [/cannot boot/, /MARKER:capture/, /MARKER:systemd multi-user NOT reached/]);
  if (!r.matched) console.log(r.log.slice(-6000));
  expect(r.matched).toBe(true);
  expect(r.log).not.toMatch(/Kernel command line:.*\broot=/);
  expect(r.log).toMatch(new RegExp(`MARKER-STATE: .*root=${rootDev.source} ext4`));
}

const CASE_TIMEOUT = CAPTURE_TIMEOUT + BOOT_TIMEOUT + 120_000;

describe.concurrent('host-only images on the machines they were captured from', () => {
  it('(a) virtio-blk root: virtio_blk + virtio_pci, nothing else, boots without root=', async () => {
    const img = await hostOnlyImage(VIRTIO_BLK);
    expectJustified(img);
    expect(img.modules).toEqual(expect.arrayContaining(['virtio_blk', 'virtio_pci', 'ext4']));
    // serio_raw matches the AT keyboard's modalias too, but built-in atkbd drives it.
    for (const absent of ['virtio_scsi', 'nvme', 'ahci', 'sd_mod', 'usbhid', 'serio_raw']) expect(img.modules).not.toContain(absent);
    expect(img.bytes).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    await expectBootsWithoutRootArg(VIRTIO_BLK, img, /\/dev\/vda/);
  }, CASE_TIMEOUT);

  it('(b) AHCI data disk + NVMe root: nvme + nvme_core, not ahci, boots without root=', async () => {
    const img = await hostOnlyImage(AHCI_NVME);
    expectJustified(img);
    expect(img.modules).toEqual(expect.arrayContaining(['nvme', 'nvme_core', 'ext4']));
    // The AHCI controller is there (bound to ahci in the capture) but holds no part of the root.
    expect(_facts(img.captured).devices.filter((d) => d.driverModule === 'ahci').length).toBeGreaterThan(0);
    for (const absent of ['ahci', 'libahci', 'libata', 'virtio_blk', 'virtio_scsi']) expect(img.modules).not.toContain(absent);
    expect(img.bytes).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    await expectBootsWithoutRootArg(AHCI_NVME, img, /\/dev\/nvme0n1/);
  }, CASE_TIMEOUT);

  it('(c) virtio-scsi root + USB keyboard: virtio_scsi + sd_mod and usbhid/hid_generic/xhci_pci, boots without root=', async () => {
    const img = await hostOnlyImage(VIRTIO_SCSI_USB_KBD);
    expectJustified(img);
    expect(img.modules).toEqual(expect.arrayContaining(['virtio_scsi', 'sd_mod', 'virtio_pci', 'usbhid', 'hid_generic', 'xhci_pci', 'ext4']));
    for (const absent of ['virtio_blk', 'nvme', 'ahci']) expect(img.modules).not.toContain(absent);
    const keyboardChains = ['usbhid', 'hid_generic', 'xhci_pci'].flatMap((m) => img.chains.get(m) ?? []);
    expect(keyboardChains.join('\n')).toMatch(/← keyboard QEMU QEMU USB Keyboard$/m);
    expect(img.bytes).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    await expectBootsWithoutRootArg(VIRTIO_SCSI_USB_KBD, img, /\/dev\/sd[a-z]/);
  }, CASE_TIMEOUT);

  it("(a)'s image on (c)'s hardware: no root, the virtio-scsi device named as unclaimed; check-host exits 13 naming virtio_scsi", async () => {
    const [a, c] = await Promise.all([hostOnlyImage(VIRTIO_BLK), hostOnlyImage(VIRTIO_SCSI_USB_KBD)]);
    // What the virtio-scsi controller is on (c), from its capture: the PCI function and its virtio child.
    const chain = _diskHardware(_facts(c.captured).root.device!);
    const pci = chain.find((f) => f.modalias?.startsWith('pci:v00001AF4'));
    const virtio = chain.find((f) => f.modalias?.startsWith('virtio:'));
    expect(pci?.modalias).toMatch(/^pci:v00001AF4d0000(1004|1048)sv/);
    expect(virtio?.modalias).toBe('virtio:d00000008v00001AF4');
    expect(virtio?.sysPath.startsWith(`${pci?.sysPath}/`)).toBe(true);

    const check = await runCliAsync(['check-host', a.image, '--sysroot', buildSysroot(), '--sysfs', join(c.captured.dir, 'sys'), '--procfs', join(c.captured.dir, 'proc')]);
    expect(check.code, check.stderr).toBe(13);
    expect(check.stdout).toMatch(/^ {2}virtio_scsi ← modalias virtio:d00000008v00001AF4 of /m);
    expect(check.stdout).toContain(`  ${pci?.modalias}\n`); // among the new devices

    const r = await bootOn(
      VIRTIO_SCSI_USB_KBD,
      a.image,
      'rd.shell=0 rd.timeout=8',
      [new RegExp(`cannot boot: no device matched root=UUID=${ROOT_UUID} after 8s`), /rd\.shell=0: rebooting/],
      [SYSTEMD_REACHED],
    );
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    const unclaimed = _section(r.log, 'modaliases no module in this image claims');
    console.log(`(a) on (c): unclaimed modaliases:\n${unclaimed.join('\n')}`);
    // virtio_pci (in the image) binds the PCI function; what no module claims is its virtio device,
    // the one virtio_scsi would drive.
    const sysfsOf = (p: string): string => p.replace(/^\/sys/, '');
    expect(unclaimed).toContain(`${virtio?.modalias}  (${sysfsOf(virtio?.sysPath ?? '?')})`);
    expect(unclaimed.some((l) => l.startsWith('pci:v00001AF4'))).toBe(false);
  }, 2 * CASE_TIMEOUT);
});

/** Detection rerun on a capture (what the build saw). */
function _facts(captured: CapturedMachine): HostFacts {
  return detectHost(new FsHost({ root: '/', sysfs: join(captured.dir, 'sys'), procfs: join(captured.dir, 'proc') }));
}

/** The hardware ancestry of the disk under a (partition-less) root device. */
function _diskHardware(node: BlockNode): AncestorFact[] {
  if (node.kind === 'disk') return node.hardware ?? [];
  for (const s of node.slaves) {
    const found = _diskHardware(s);
    if (found.length) return found;
  }
  return [];
}

/** The indented lines under a heading of the emergency report on the console. */
function _section(log: string, heading: string): string[] {
  const lines = log.split(/\r?\n/);
  const start = lines.findIndex((l) => l.includes(heading));
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith('  ')) break;
    out.push(l.trim());
  }
  return out;
}
