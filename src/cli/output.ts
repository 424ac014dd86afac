// What the CLI prints on stderr and how: -q (errors and warnings only), normal, -v (every phase with
// its time). On a terminal, long phases show one status line that is rewritten in place; elsewhere
// (hooks, logs, CI) only plain lines are written. Colour only on a terminal and never with NO_COLOR.
import { UsageError } from '../errors.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

/** The phases of a build, in order. */
const PHASES = ['plan', 'pack', 'compress', 'write'] as const;
export type Phase = (typeof PHASES)[number];

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface OutputOptions {
  verbose?: boolean;
  quiet?: boolean;
  stream?: OutputStream;
  env?: NodeJS.ProcessEnv;
}

export interface PhaseHandle {
  /** End the phase; `detail` (sizes, counts) is shown with -v. */
  done(detail?: string): void;
}

export interface Output {
  readonly verbosity: Verbosity;
  readonly color: boolean;
  /** Normal messages (hidden by -q). */
  info(message: string): void;
  /** Only with -v. */
  detail(message: string): void;
  /** Always shown. */
  warn(message: string): void;
  error(message: string): void;
  phase(name: Phase): PhaseHandle;
  /** Erase a pending status line (call before exiting). */
  close(): void;
}

const PREFIX = 'mkinitramfs-ts: ';
const COLORS = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Color = keyof typeof COLORS;

function _verbosityOf(flags: { verbose?: boolean; quiet?: boolean }): Verbosity {
  if (flags.verbose && flags.quiet) throw new UsageError('--verbose and --quiet contradict each other: give one of them');
  return flags.verbose ? 'verbose' : flags.quiet ? 'quiet' : 'normal';
}

/** Colour only on a terminal, and not when NO_COLOR is set to anything (https://no-color.org) or TERM=dumb. */
function _useColor(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!stream.isTTY) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return env['TERM'] !== 'dumb';
}

export function paint(color: Color, text: string, enabled: boolean): string {
  return enabled ? `\x1b[${COLORS[color]}m${text}\x1b[0m` : text;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function createOutput(opts: OutputOptions = {}): Output {
  const stream = opts.stream ?? process.stderr;
  const verbosity = _verbosityOf(opts);
  const color = _useColor(stream, opts.env);
  const live = stream.isTTY === true && verbosity !== 'quiet';
  let statusShown = false;
  let ticker: NodeJS.Timeout | undefined;

  const clearStatus = (): void => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    if (statusShown) stream.write('\r\x1b[K');
    statusShown = false;
  };
  const line = (text: string): void => {
    clearStatus();
    stream.write(`${PREFIX}${text}\n`);
  };

  return {
    verbosity,
    color,
    info: (m) => verbosity !== 'quiet' && line(m),
    detail: (m) => verbosity === 'verbose' && line(paint('dim', m, color)),
    warn: (m) => line(`${paint('yellow', 'warning:', color)} ${m}`),
    error: (m) => line(`${paint('red', 'error:', color)} ${m}`),
    phase(name) {
      const started = Date.now();
      const label = `[${PHASES.indexOf(name) + 1}/${PHASES.length}] ${name}`;
      if (live) {
        const draw = (): void => {
          const secs = Math.floor((Date.now() - started) / 1000);
          stream.write(`\r\x1b[K${PREFIX}${label}…${secs > 0 ? ` ${secs} s` : ''}`);
          statusShown = true;
        };
        clearStatus();
        draw();
        ticker = setInterval(draw, 1000);
        ticker.unref();
      }
      return {
        done(detail) {
          if (live) clearStatus();
          if (verbosity === 'verbose') line(`${label}: ${formatDuration(Date.now() - started)}${detail ? ` (${detail})` : ''}`);
        },
      };
    },
    close: clearStatus,
  };
}
