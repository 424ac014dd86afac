// KVM or TCG, decided by booting the fixture kernel, not by /dev/kvm existing: on a nested PVM host
// /dev/kvm is there but `-cpu host` aborts and a stock kernel hangs in its decompressor. The verdict
// is cached per kernel + qemu version, so the probe (up to ~25 s) runs once per machine.
// MKINITRAMFS_TS_ACCEL=kvm|tcg skips the probe.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { cacheDir, kernelImage } from './fixtures.js';
import { newBootLogFile } from './qemu/log-files.js';
import { QEMU_BINARY, runQemu } from './qemu/qemu-process.js';

export interface Accel {
  kind: 'kvm' | 'tcg';
  /** The qemu arguments selecting it (accelerator and CPU model). */
  args: string[];
  /** Why: the probe's finding, or the environment override. */
  reason: string;
  /** How long the probe took when it ran (the cached verdict keeps the first run's figure). */
  probeMs?: number;
  /** The verdict came from the cache file, not from a probe in this run. */
  cached?: boolean;
}

export const ACCEL_ENV = 'MKINITRAMFS_TS_ACCEL';
export const TCG: Accel = { kind: 'tcg', args: ['-accel', 'tcg', '-cpu', 'max'], reason: 'TCG' };

const _PROBE_BUDGET_MS = 25_000;
const _PROBE_RECIPE = 1; // bump when the probe changes, to invalidate cached verdicts
// CPU models tried in order: host is fastest; the default model survives hosts that refuse
// host MSRs (qemu64 lacks SSE4.2, so crc32c-intel will not load: keep crc32c_generic).
const _KVM_CANDIDATES: string[][] = [
  ['-accel', 'kvm', '-cpu', 'host'],
  ['-accel', 'kvm'],
];
// The kernel got through its decompressor, every initcall, and tried to mount a root.
const _KERNEL_DONE = /Kernel panic - not syncing: VFS: Unable to mount root fs|Run \S+ as init process/;

let _chosen: Promise<Accel> | undefined;

export function chooseAccel(): Promise<Accel> {
  _chosen ??= _choose();
  return _chosen;
}

async function _choose(): Promise<Accel> {
  const forced = process.env[ACCEL_ENV];
  if (forced === 'tcg') return { ...TCG, reason: `${ACCEL_ENV}=tcg` };
  if (forced === 'kvm') return { kind: 'kvm', args: _KVM_CANDIDATES[0]!, reason: `${ACCEL_ENV}=kvm` };
  if (forced) throw new Error(`${ACCEL_ENV} must be 'kvm' or 'tcg', not '${forced}'`);
  if (!existsSync('/dev/kvm')) return { ...TCG, reason: 'no /dev/kvm' };

  const verdictFile = join(cacheDir(), 'accel', `${_verdictKey()}.json`);
  return withFileLock(`${verdictFile}.lock`, async () => {
    if (existsSync(verdictFile)) return { ...(JSON.parse(readFileSync(verdictFile, 'utf8')) as Accel), cached: true };
    const verdict = await _probe();
    mkdirSync(join(cacheDir(), 'accel'), { recursive: true });
    writeFileSync(`${verdictFile}.tmp`, JSON.stringify(verdict, null, 2));
    renameSync(`${verdictFile}.tmp`, verdictFile);
    return verdict;
  });
}

async function _probe(): Promise<Accel> {
  const started = Date.now();
  const findings: string[] = [];
  for (const args of _KVM_CANDIDATES) {
    const budget = _PROBE_BUDGET_MS - (Date.now() - started);
    if (budget <= 1000) break;
    const logFile = newBootLogFile('accel-probe');
    const outcome = await runQemu({
      args: [...args, ..._probeMachine()],
      until: [_KERNEL_DONE],
      failOn: [],
      watch: [],
      input: [],
      timeoutMs: budget,
      graceMs: 0,
      logFile,
      echo: false,
    });
    rmSync(logFile, { force: true });
    const how = `kvm ${args.slice(2).join(' ') || '(default cpu)'}`;
    if (outcome.matched) {
      return { kind: 'kvm', args, reason: `${how} booted in ${outcome.durationMs} ms`, probeMs: Date.now() - started };
    }
    const why = outcome.timedOut ? `no kernel progress in ${outcome.durationMs} ms` : `qemu exited ${outcome.exitCode ?? outcome.exitSignal}: ${_firstLine(outcome.stderr)}`;
    findings.push(`${how}: ${why}`);
  }
  return { ...TCG, reason: `KVM unusable (${findings.join('; ')})`, probeMs: Date.now() - started };
}

function _probeMachine(): string[] {
  return ['-machine', 'q35', '-m', '256M', '-nodefaults', '-display', 'none', '-serial', 'stdio', '-no-reboot',
    '-kernel', kernelImage(), '-append', 'console=ttyS0 panic=-1'];
}

function _verdictKey(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(kernelImage()));
  hash.update(execFileSync(QEMU_BINARY, ['--version'], { encoding: 'utf8' }));
  hash.update(`recipe ${_PROBE_RECIPE}`);
  return hash.digest('hex').slice(0, 16);
}

function _firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '(no message)';
}
