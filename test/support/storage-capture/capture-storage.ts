// Capture a storage machine: boot its storage disks with the generic storage image, the kernel
// command line that mounts its root, and `mkinitramfs_ts.capture=1`, plus two virtio-blk disks after
// them: the tools disk (serial "tools") and a blank capture disk (serial "capture"). The root's
// capture unit writes a tar onto the capture disk; it is read back into DIR (DIR/sys, DIR/proc).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { blankDisk } from '../capture/capture-vm.js';
import { CAPTURE_FAILED, CAPTURE_SERIAL, CAPTURE_WRITTEN } from '../capture/capture-root.js';
import { kernelImage } from '../fixtures.js';
import { bootVm, type BootOptions, type BootResult, type VmDisk } from '../qemu.js';
import { TOOLS_SERIAL } from './tools-disk.js';

const _execFile = promisify(execFile);

export const STORAGE_CAPTURE_TIMEOUT = 420_000;

export interface StorageCapture {
  /** Holds the capture disk and `dir`; the caller removes it. */
  work: string;
  /** Holds sys/ and proc/ as the guest's capture-host wrote them. */
  dir: string;
  boot: BootResult;
}

/** `extraArgs`/`input`: a NIC and a typed passphrase, for a root served over the network (LUKS on NBD). */
export async function captureStorage(opts: { name: string; disks: VmDisk[]; append: string; image: string; tools: string; extraArgs?: string[]; input?: BootOptions['input'] }): Promise<StorageCapture> {
  const work = mkdtempSync(join(tmpdir(), `mkinitramfs-ts-storage-capture-${opts.name}-`));
  const disk = blankDisk(join(work, 'capture.raw'));
  const boot = await bootVm({
    kernel: kernelImage(),
    initrd: opts.image,
    // The storage root has no kernel modules of its own (its udev cannot load drivers), and /init
    // stops its coldplug rounds once the root is there: on an NVMe or AHCI machine the virtio-blk
    // driver of the tools and capture disks must be loaded up front, or they never appear; on a
    // btrfs root, ext4 for the tools disk.
    append: `${opts.append} rd.driver.pre=virtio_blk,ext4 mkinitramfs_ts.capture=1`,
    disks: [
      ...opts.disks,
      { file: opts.tools, bus: 'virtio-blk', serial: TOOLS_SERIAL },
      { file: disk, bus: 'virtio-blk', serial: CAPTURE_SERIAL, snapshot: false },
    ],
    ...(opts.extraArgs ? { extraArgs: opts.extraArgs } : {}),
    ...(opts.input ? { input: opts.input } : {}),
    until: [CAPTURE_WRITTEN],
    // The unit did not run (multi-user reached first), said why it failed, or the root was not found.
    failOn: [CAPTURE_FAILED, /MARKER:systemd multi-user/, /cannot boot:/],
    timeoutMs: STORAGE_CAPTURE_TIMEOUT,
    graceMs: 30_000, // let the guest finish powering off: the tar is synced before the marker anyway
  });
  if (!boot.matched) throw new Error(`capture boot of ${opts.name} failed (log ${boot.logFile}):\n${boot.log.slice(-5000)}`);
  const dir = join(work, 'captured');
  mkdirSync(dir);
  await _execFile('tar', ['-xf', disk, '-C', dir]);
  return { work, dir, boot };
}
