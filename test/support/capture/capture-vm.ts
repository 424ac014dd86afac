// Capture a QEMU machine: boot the capture root (captureRootDisk) on that hardware with a generic
// image and `mkinitramfs_ts.capture=1`, then read the tar the guest wrote onto the capture disk
// back into DIR (DIR/sys, DIR/proc: what --sysfs/--procfs take).
import { execFile } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI } from '../build-image.js';
import { kernelImage } from '../fixtures.js';
import { bootVm, type BootResult } from '../qemu.js';
import { CAPTURE_FAILED, CAPTURE_WRITTEN } from './capture-root.js';
import { hardwareDisks, type Hardware } from './hardware.js';

const _execFile = promisify(execFile);

export const CAPTURE_TIMEOUT = 420_000;

export interface CapturedMachine {
  hw: Hardware;
  /** Holds the capture disk and `dir`; the caller removes it. */
  work: string;
  /** Holds sys/ and proc/ as the guest's capture-host wrote them. */
  dir: string;
  boot: BootResult;
}

/** A new zero-filled (sparse) raw disk. */
export function blankDisk(path: string, sizeMiB = 64): string {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, sizeMiB * 1024 * 1024);
  closeSync(fd);
  return path;
}

export async function captureMachine(hw: Hardware, opts: { rootDisk: string; rootUuid: string; image: string }): Promise<CapturedMachine> {
  const work = mkdtempSync(join(tmpdir(), `mkinitramfs-ts-capture-${hw.name.replace(/\W+/g, '_')}-`));
  const disk = blankDisk(join(work, 'capture.raw'));
  const boot = await bootVm({
    kernel: kernelImage(),
    initrd: opts.image,
    append: `root=UUID=${opts.rootUuid} mkinitramfs_ts.capture=1`,
    disks: hardwareDisks(hw, opts.rootDisk, disk),
    extraArgs: hw.extraArgs,
    until: [CAPTURE_WRITTEN],
    // The unit did not run (multi-user reached first) or said why it failed.
    failOn: [CAPTURE_FAILED, /MARKER:systemd multi-user/],
    timeoutMs: CAPTURE_TIMEOUT,
    graceMs: 30_000, // let the guest finish powering off: the tar is synced before the marker anyway
  });
  if (!boot.matched) throw new Error(`capture boot of ${hw.name} failed (log ${boot.logFile}):\n${boot.log.slice(-5000)}`);
  const dir = join(work, 'captured');
  mkdirSync(dir);
  await _execFile('tar', ['-xf', disk, '-C', dir]);
  return { hw, work, dir, boot };
}

/** The real CLI (dist/), without blocking the event loop (boots run beside it). */
export async function runCliAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await _execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
