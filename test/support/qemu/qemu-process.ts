// Runs one qemu with its serial console on stdio and watches it: resolves when every `until` marker
// has appeared (after a short grace for the guest to power itself off), when a `failOn` marker
// appears, when qemu exits, on the hard timeout, or on abort. qemu is always dead when this resolves.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { pressKeys } from './keyboard.js';
import { trackChild } from './live-children.js';
import { SerialWatch, type SerialInput, type TimelineEntry } from './serial-watch.js';

export const QEMU_BINARY = 'qemu-system-x86_64';

export interface QemuRun {
  args: string[];
  until: RegExp[];
  failOn: RegExp[];
  watch: RegExp[];
  input: SerialInput[];
  /** The monitor socket keyboard inputs are pressed through (qemu.ts opens it when an input needs it). */
  monitor?: string | undefined;
  timeoutMs: number;
  /** After the last `until` marker (or a `failOn` one): how long qemu may take to exit by itself. */
  graceMs: number;
  /** The serial log is streamed here as it arrives. */
  logFile: string;
  /** Also stream the serial log to this process's stdout. */
  echo: boolean;
  signal?: AbortSignal | undefined;
}

export interface QemuOutcome {
  /** qemu's process id (dead by the time this is returned). */
  pid: number | undefined;
  log: string;
  /** qemu's own stderr (its errors, e.g. a failed accelerator). */
  stderr: string;
  /** Every `until` marker appeared and no `failOn` marker did. */
  matched: boolean;
  /** The `failOn` marker that appeared, if any. */
  failedOn: string | undefined;
  timedOut: boolean;
  aborted: boolean;
  /** qemu's exit status; null when it was killed… */
  exitCode: number | null;
  /** …by this signal (SIGKILL when the harness killed it). */
  exitSignal: NodeJS.Signals | null;
  durationMs: number;
  timeline: TimelineEntry[];
}

// setpriv makes the kernel SIGKILL qemu when this process dies, however it dies.
const _SETPRIV = '/usr/bin/setpriv';

export function runQemu(run: QemuRun): Promise<QemuOutcome> {
  const [command, args] = existsSync(_SETPRIV)
    ? [_SETPRIV, ['--pdeathsig', 'KILL', '--', QEMU_BINARY, ...run.args]]
    : [QEMU_BINARY, run.args];
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const watch = new SerialWatch(run);
  const logStream = createWriteStream(run.logFile);
  const decoder = new StringDecoder('utf8');
  const stderrChunks: Buffer[] = [];
  let timedOut = false;
  let aborted = false;
  let finishing = false;
  let keyboard: Promise<void> = Promise.resolve(); // key presses in order, one input after the other

  return new Promise<QemuOutcome>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    trackChild(child);
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const hardTimer = setTimeout(() => {
      timedOut = true;
      kill();
    }, run.timeoutMs);
    let graceTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      aborted = true;
      kill();
    };
    if (run.signal?.aborted) onAbort();
    run.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      const text = decoder.write(chunk).replaceAll('\r', '');
      logStream.write(text);
      if (run.echo) process.stdout.write(text);
      for (const input of watch.push(text, elapsed())) {
        if (!input.keyboard) {
          const send = input.send;
          if (input.delayMs) setTimeout(() => child.stdin.writable && child.stdin.write(send), input.delayMs);
          else child.stdin.write(send);
        }
        else if (run.monitor === undefined) throw new Error('a keyboard input needs the monitor socket');
        else {
          const keys = input.send.split(' ').filter((k) => k !== '');
          const monitor = run.monitor;
          keyboard = keyboard.then(() => pressKeys(monitor, keys, input.delayMs)).catch((e: Error) => void logStream.write(`\n--- keyboard: ${e.message} ---\n`));
        }
      }
      if (!finishing && (watch.allSeen || watch.failedOn)) {
        finishing = true;
        graceTimer = setTimeout(kill, run.graceMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderrChunks.push(chunk);
    });
    // A guest that stops reading its console must not crash the test with EPIPE.
    child.stdin.on('error', () => {});
    child.once('error', (error) => {
      clearTimeout(hardTimer);
      clearTimeout(graceTimer);
      logStream.end();
      reject(new Error(`cannot start ${QEMU_BINARY}: ${error.message}`));
    });
    child.once('close', (code, exitSignal) => {
      clearTimeout(hardTimer);
      clearTimeout(graceTimer);
      run.signal?.removeEventListener('abort', onAbort);
      const tail = decoder.end().replaceAll('\r', '');
      if (tail) watch.push(tail, elapsed());
      const stderr = Buffer.concat(stderrChunks).toString('utf8');
      if (stderr) logStream.write(`\n--- qemu stderr ---\n${stderr}`);
      logStream.end(() =>
        resolve({
          pid: child.pid,
          log: watch.log,
          stderr,
          matched: watch.allSeen && watch.failedOn === undefined,
          failedOn: watch.failedOn?.source,
          timedOut,
          aborted,
          exitCode: code,
          exitSignal,
          durationMs: elapsed(),
          timeline: watch.timeline,
        }),
      );
    });
  });
}
