// Boot the real kernel with an initramfs in QEMU and watch its serial console for markers.
//   const r = await bootVm({ kernel: kernelImage(), initrd, append: 'root=UUID=…',
//     disks: [{ file: await markerRootDisk({...}), bus: 'virtio-blk' }], until: [/MARKER:ok/], timeoutMs: 120_000 });
// BOOT_LOG=1 streams every serial console to stdout. A failed boot keeps its log file (path in the
// result and on stderr); a passing one keeps it only when `logFile` was given.
import { rmSync } from 'node:fs';
import { chooseAccel, type Accel } from './accel.js';
import { diskArgs, type Machine, type VmDisk } from './qemu/drive-args.js';
import { newBootLogFile } from './qemu/log-files.js';
import { runQemu, type QemuOutcome } from './qemu/qemu-process.js';
import { monitorSocket } from './qemu/keyboard.js';
import { Semaphore } from './qemu/semaphore.js';
import { startSwtpm } from './qemu/swtpm.js';
import type { SerialInput, TimelineEntry } from './qemu/serial-watch.js';

export type { DiskBus, Machine, VmDisk } from './qemu/drive-args.js';
export type { SerialInput, TimelineEntry } from './qemu/serial-watch.js';

/** Printed by the kernel first thing after decompressing itself. */
export const KERNEL_STARTED = /Linux version \d/;
/** Printed by the kernel when it starts the initramfs /init (or the root's init without one). */
export const INIT_STARTED = /Run \S+ as init process/;
export const KERNEL_PANIC = /Kernel panic - not syncing/;

export interface BootOptions {
  /** -kernel; without it the firmware boots (a UKI on an ESP given in extraArgs) and append/initrd are unused. */
  kernel?: string;
  initrd?: string;
  /** The kernel command line; console=ttyS0 and panic=-1 are added unless it sets console=/panic=. */
  append?: string;
  /** qemu -m (default 1G). */
  memory?: string;
  disks?: VmDisk[];
  /** Default q35; 'pc' (i440FX) when a disk is on the 'ide' bus. */
  machine?: Machine;
  extraArgs?: string[];
  /** Resolve once all of these have appeared on the console… */
  until: RegExp[];
  /** …or as soon as one of these does (a kernel panic always counts as failure). */
  failOn?: RegExp[];
  /** Recorded in the timeline when seen, not waited for (the kernel's start and init are always). */
  watch?: RegExp[];
  /** Typed on the serial console, in order, each once its prompt appears. */
  input?: SerialInput[];
  /** Hard limit: qemu is killed after this long. */
  timeoutMs: number;
  /** After the markers: how long the guest may take to power off by itself before it is killed (default 5 s). */
  graceMs?: number;
  logFile?: string;
  /** Kills qemu when aborted: pass vitest's `signal` from the test context. */
  signal?: AbortSignal;
  /** Overrides the probed accelerator (see accel.ts). */
  accel?: Accel;
  /**
   * A TPM 2.0 for the guest: swtpm runs on this state directory (created empty = a new TPM) for the
   * length of the boot and writes its state back there. Pass a copy to keep a TPM unchanged.
   */
  tpmState?: string;
}

export interface BootResult extends QemuOutcome {
  /** Where the serial log was kept; undefined for a passing boot without `logFile`. */
  logFile: string | undefined;
  accel: Accel['kind'];
  /** The full qemu command line, for reproducing a failure by hand. */
  command: string[];
}

export const MAX_PARALLEL_VMS = 2; // CI has two cores; TCG runs one guest CPU per host thread
const _vms = new Semaphore(MAX_PARALLEL_VMS);

export async function bootVm(options: BootOptions): Promise<BootResult> {
  const accel = options.accel ?? (await chooseAccel());
  const monitor = options.input?.some((i) => i.keyboard) ? monitorSocket() : undefined;
  const command = [...qemuArgs(options, accel), ...(monitor?.args ?? [])];
  const logFile = options.logFile ?? newBootLogFile('boot');
  const outcome = await _vms.use(async () => {
    const tpm = options.tpmState === undefined ? undefined : await startSwtpm(options.tpmState);
    command.push(...(tpm?.qemuArgs ?? []));
    try {
      return await runQemu({
        args: command,
        until: options.until,
        failOn: [...(options.failOn ?? []), KERNEL_PANIC],
        watch: [KERNEL_STARTED, INIT_STARTED, ...(options.watch ?? [])],
        input: options.input ?? [],
        monitor: monitor?.path,
        timeoutMs: options.timeoutMs,
        graceMs: options.graceMs ?? 5_000,
        logFile,
        echo: process.env['BOOT_LOG'] === '1',
        signal: options.signal,
      });
    } finally {
      await tpm?.stop();
    }
  });
  const keep = options.logFile !== undefined || !outcome.matched;
  if (!keep) rmSync(logFile, { force: true });
  else if (!outcome.matched) process.stderr.write(`boot failed (${_why(outcome)}): serial log in ${logFile}\n`);
  return { ...outcome, logFile: keep ? logFile : undefined, accel: accel.kind, command };
}

/** The qemu arguments (without the binary) for a boot. */
export function qemuArgs(options: BootOptions, accel: Accel): string[] {
  const machine = options.machine ?? (options.disks?.some((d) => d.bus === 'ide') ? 'pc' : 'q35');
  return [
    ...accel.args,
    '-machine', machine,
    '-m', options.memory ?? '1G',
    // No default NIC/VGA/monitor: only the devices a test asks for.
    '-nodefaults', '-display', 'none', '-serial', 'stdio', '-no-reboot',
    ...(options.kernel
      ? ['-kernel', options.kernel, ...(options.initrd ? ['-initrd', options.initrd] : []), '-append', kernelCommandLine(options.append ?? '')]
      : []),
    ...diskArgs(options.disks ?? [], machine),
    ...(options.extraArgs ?? []),
  ];
}

export function kernelCommandLine(append: string): string {
  const words = append.split(/\s+/).filter((w) => w !== '');
  if (!words.some((w) => w.startsWith('console='))) words.push('console=ttyS0');
  if (!words.some((w) => w.startsWith('panic='))) words.push('panic=-1');
  return words.join(' ');
}

/** When a marker first appeared (ms since qemu started), or undefined. */
export function markerMs(result: { timeline: TimelineEntry[] }, marker: RegExp): number | undefined {
  return result.timeline.find((entry) => entry.label === marker.source)?.ms;
}

function _why(outcome: QemuOutcome): string {
  if (outcome.aborted) return 'aborted';
  if (outcome.timedOut) return `timed out after ${outcome.durationMs} ms`;
  if (outcome.failedOn) return `saw /${outcome.failedOn}/`;
  return `qemu exited ${outcome.exitCode ?? outcome.exitSignal} before every marker appeared`;
}
