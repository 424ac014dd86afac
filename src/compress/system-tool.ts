// Finding and running the system's compressors (zstd, xz, lz4, bzip2): data in on stdin, data out on
// stdout, failures as typed errors.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
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
 * Runs `tool args`, feeding `input` on stdin; resolves to stdout. A non-zero exit, a signal or a
 * spawn failure rejects with `failure(message)`.
 */
export function runTool(
  tool: string,
  args: readonly string[],
  input: Buffer | readonly Buffer[],
  failure: (message: string) => MkError = (m) => new CompressorError(m),
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let spawnError: Error | undefined;
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => (spawnError = e));
    // The tool may exit early (bad data): its exit status reports that, not the broken pipe.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) => {
      const command = [tool, ...args].join(' ');
      if (spawnError) return reject(failure(`${command}: cannot run: ${spawnError.message}`));
      if (code === 0) return resolve(Buffer.concat(out));
      const stderr = Buffer.concat(err).toString('utf8').trim().split('\n')[0] ?? '';
      const status = signal ? `killed by ${signal}` : `exit status ${code}`;
      reject(failure(`${command} failed (${status})${stderr ? `: ${stderr}` : ''}`));
    });
    void _feed(child.stdin, Array.isArray(input) ? input : [input as Buffer]);
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
