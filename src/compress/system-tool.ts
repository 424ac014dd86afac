// Finding and running the system's compressors (zstd, xz, lz4, bzip2): data in on stdin, data out on
// stdout, failures as typed errors.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressorError, type MkError } from '../errors.js';

/** The absolute path of an executable named `name` on PATH, or undefined. */
export function findTool(name: string, pathEnv: string = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of pathEnv.split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Like findTool, but a missing tool is a CompressorError that says what to do instead. */
export function requireTool(name: string, fix: string): string {
  const path = findTool(name);
  if (path === undefined) throw new CompressorError(`${name} not found: ${fix}`);
  return path;
}

/**
 * Runs `tool args` with `input` on stdin; resolves to its stdout. A non-zero exit, a signal or a
 * spawn failure rejects with `failure(message)`.
 *
 * stdin and stdout are unlinked temporary files rather than pipes where possible: the tool then runs
 * to its end on its own. A pipe must be fed and drained by this process's event loop, so the tool
 * would stall whenever this thread is busy (the build checks the image while the compressor works).
 */
export async function runTool(
  tool: string,
  args: readonly string[],
  input: Buffer | readonly Buffer[],
  failure: (message: string) => MkError = (m) => new CompressorError(m),
): Promise<Buffer> {
  const chunks = Array.isArray(input) ? (input as readonly Buffer[]) : [input as Buffer];
  const files = _spoolFiles(chunks);
  if (files === undefined) return _run(tool, args, ['pipe', 'pipe', 'pipe'], chunks, failure);
  try {
    await _run(tool, args, [files.input, files.output, 'pipe'], undefined, failure);
    return _readAll(files.output, tool, failure);
  } finally {
    closeSync(files.input);
    closeSync(files.output);
  }
}

/** A tool's output, and the proof under way that it turns back into the input. */
export interface CheckedOutput {
  output: Buffer;
  /** Resolves when `tool undoArgs` turned the output back into exactly the input; rejects otherwise. */
  roundTrip: Promise<void>;
}

/**
 * runTool, then a round trip: `tool undoArgs` (the decompressor) reads the output back and `cmp`
 * compares what it writes with the input, both system processes in one shell pipeline. Nothing of
 * it passes through this process, so the caller goes on (writes the image) while it runs. Without
 * /dev/fd, /bin/sh or cmp, or when the input cannot be spooled to files, the round trip reads the data back
 * here instead.
 */
export async function runToolChecked(
  tool: string,
  args: readonly string[],
  undoArgs: readonly string[],
  input: Buffer | readonly Buffer[],
  failure: (message: string) => MkError = (m) => new CompressorError(m),
): Promise<CheckedOutput> {
  const chunks = Array.isArray(input) ? (input as readonly Buffer[]) : [input as Buffer];
  const cmp = findTool('cmp');
  const files = cmp !== undefined && existsSync('/dev/fd') && existsSync('/bin/sh') ? _spoolFiles(chunks) : undefined;
  if (files === undefined) {
    const output = await runTool(tool, args, chunks, failure);
    return { output, roundTrip: _roundTripHere(tool, undoArgs, output, chunks, failure) };
  }
  let output: Buffer;
  try {
    await _run(tool, args, [files.input, files.output, 'pipe'], undefined, failure);
    output = _readAll(files.output, tool, failure);
  } catch (err) {
    closeSync(files.input);
    closeSync(files.output);
    throw err;
  }
  // /dev/fd/N opens the file anew, at offset 0, whatever the offsets of the descriptors passed on.
  const script = 'f=$1; shift; "$f" "$@" < /dev/fd/4 | "$CMP" -s - /dev/fd/3';
  // cmp's status is the pipeline's: a decompressor that fails gives back less, which cmp reports
  const roundTrip = _run('/bin/sh', ['-c', script, 'sh', tool, ...undoArgs], ['ignore', 'ignore', 'pipe', files.input, files.output], undefined, failure, {
    CMP: cmp as string,
  }).finally(() => {
    closeSync(files.input);
    closeSync(files.output);
  });
  // A failed pipeline is not yet a verdict (a system where /dev/fd cannot reopen a deleted file would
  // fail every time): the round trip through this process decides, and names the real difference.
  return { output, roundTrip: roundTrip.then(() => undefined, () => _roundTripHere(tool, undoArgs, output, chunks, failure)) };
}

async function _roundTripHere(
  tool: string,
  undoArgs: readonly string[],
  output: Buffer,
  input: readonly Buffer[],
  failure: (message: string) => MkError,
): Promise<void> {
  const back = await runTool(tool, undoArgs, output, failure);
  if (!sameBytes(back, input)) throw failure(`${tool} ${undoArgs.join(' ')} does not give back the input`);
}

/** Whether `data` is exactly `chunks`, one after the other. */
export function sameBytes(data: Buffer, chunks: readonly Buffer[]): boolean {
  let pos = 0;
  for (const chunk of chunks) {
    if (pos + chunk.length > data.length || !data.subarray(pos, pos + chunk.length).equals(chunk)) return false;
    pos += chunk.length;
  }
  return pos === data.length;
}

function _readAll(fd: number, tool: string, failure: (message: string) => MkError): Buffer {
  const size = fstatSync(fd).size;
  const out = Buffer.allocUnsafe(size);
  for (let done = 0; done < size; ) {
    const n = readSync(fd, out, done, size - done, done);
    if (n === 0) throw failure(`${tool}: its output shrank while being read`);
    done += n;
  }
  return out;
}

/** Two private (0600), already unlinked files in the temp dir, the first holding `chunks`; undefined when that fails (full /tmp...). */
function _spoolFiles(chunks: readonly Buffer[]): { input: number; output: number } | undefined {
  const opened: number[] = [];
  try {
    for (const suffix of ['in', 'out']) {
      const path = join(tmpdir(), `mkinitramfs-ts.${process.pid}.${randomBytes(6).toString('hex')}.${suffix}`);
      opened.push(openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600));
      unlinkSync(path);
    }
    const input = opened[0] as number;
    let pos = 0;
    // positional writes leave the file offset at 0, where the tool starts reading
    for (const chunk of chunks) {
      for (let done = 0; done < chunk.length; ) done += writeSync(input, chunk, done, chunk.length - done, pos + done);
      pos += chunk.length;
    }
    return { input, output: opened[1] as number };
  } catch {
    for (const fd of opened) closeSync(fd);
    return undefined;
  }
}

/** Spawns the tool; with piped stdio, feeds `chunks` and collects stdout. Resolves to stdout (empty when not piped). */
function _run(
  tool: string,
  args: readonly string[],
  stdio: [number | 'pipe' | 'ignore', number | 'pipe' | 'ignore', 'pipe', ...number[]],
  chunks: readonly Buffer[] | undefined,
  failure: (message: string) => MkError,
  env?: Record<string, string>,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio, ...(env ? { env: { ...process.env, ...env } } : {}) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let spawnError: Error | undefined;
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => (spawnError = e));
    // The tool may exit early (bad data): its exit status reports that, not the broken pipe.
    child.stdin?.on('error', () => undefined);
    child.on('close', (code, signal) => {
      const command = [tool, ...args].join(' ');
      if (spawnError) return reject(failure(`${command}: cannot run: ${spawnError.message}`));
      if (code === 0) return resolve(Buffer.concat(out));
      const stderr = Buffer.concat(err).toString('utf8').trim().split('\n')[0] ?? '';
      // a SIGKILL nobody asked for is most often the kernel's OOM killer
      const status = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ': out of memory? see dmesg' : ''}` : `exit status ${code}`;
      reject(failure(`${command} failed (${status})${stderr ? `: ${stderr}` : ''}`));
    });
    if (child.stdin && chunks) void _feed(child.stdin, chunks);
  });
}

async function _feed(stdin: NodeJS.WritableStream, chunks: readonly Buffer[]): Promise<void> {
  for (const chunk of chunks) {
    if (!stdin.write(chunk) && !(await _drained(stdin))) return;
  }
  stdin.end();
}

/** Waits for 'drain'; false when the pipe closed or failed instead. */
function _drained(stdin: NodeJS.WritableStream): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ok: boolean) => (): void => {
      stdin.off('drain', onDrain);
      stdin.off('close', onClose);
      stdin.off('error', onClose);
      resolve(ok);
    };
    const onDrain = settle(true);
    const onClose = settle(false);
    stdin.on('drain', onDrain);
    stdin.on('close', onClose);
    stdin.on('error', onClose);
  });
}
