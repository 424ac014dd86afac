// Finding and running the system's compressors (zstd, xz, lz4, bzip2): data in on stdin, data out on
// stdout, failures as typed errors.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, fstatSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
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
 * would stall whenever this thread is busy.
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

/**
 * Whether `tool args`, given `input` on stdin, writes exactly `expected` and exits 0. Its output is
 * compared as it arrives and not kept. A spawn failure rejects with `failure(message)`.
 */
export function toolGivesBack(
  tool: string,
  args: readonly string[],
  input: Buffer,
  expected: Buffer,
  failure: (message: string) => MkError = (m) => new CompressorError(m),
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    let pos = 0;
    let same = true;
    child.stdout.on('data', (chunk: Buffer) => {
      if (same && (pos + chunk.length > expected.length || !chunk.equals(expected.subarray(pos, pos + chunk.length)))) same = false;
      pos += chunk.length;
    });
    child.on('error', (e) => reject(failure(`${[tool, ...args].join(' ')}: cannot run: ${e.message}`)));
    child.stdin.on('error', () => undefined); // a tool that stops early says so by its exit status
    child.on('close', (code) => resolve(code === 0 && same && pos === expected.length));
    child.stdin.end(input);
  });
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
  stdio: [number | 'pipe', number | 'pipe', 'pipe'],
  chunks: readonly Buffer[] | undefined,
  failure: (message: string) => MkError,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio });
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
