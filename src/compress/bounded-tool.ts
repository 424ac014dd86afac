// Runs a system decompressor on untrusted data with a bound on what it may write: its stdout is a
// pipe read here and counted, and the tool is killed as soon as it passes the bound. No temp file is
// used, so a small bomb cannot fill $TMPDIR, and memory holds at most the bound (plus a pipe buffer)
// while the tool runs; joining the chunks at the end holds a good output twice for a moment.
import { spawn } from 'node:child_process';
import type { MkError } from '../errors.js';

/** At most this much of stderr is kept for the error message. */
const STDERR_KEEP = 4096;

/**
 * `tool args` with `input` on stdin; resolves to its stdout, or to undefined when the tool wrote more
 * than `maxBytes` (it is then killed). A non-zero exit or a spawn failure rejects with `failure(message)`.
 */
export function runBoundedTool(
  tool: string,
  args: readonly string[],
  input: Buffer,
  maxBytes: number,
  failure: (message: string) => MkError,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let overLimit = false;
    let spawnError: Error | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (overLimit) return;
      outBytes += chunk.length;
      if (outBytes > maxBytes) {
        overLimit = true;
        out.length = 0; // let what was read go now, not when the tool has died
        child.kill('SIGKILL');
        child.stdout.destroy();
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_KEEP) stderr += chunk.toString('utf8');
    });
    child.on('error', (e) => (spawnError = e));
    // the tool may stop reading early (bad data, or killed): its exit status says why, not the broken pipe
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('close', (code, signal) => {
      const command = [tool, ...args].join(' ');
      if (spawnError) return reject(failure(`${command}: cannot run: ${spawnError.message}`));
      if (overLimit) return resolve(undefined);
      if (code === 0) return resolve(Buffer.concat(out, outBytes));
      const firstLine = stderr.trim().split('\n')[0] ?? '';
      const status = signal ? `killed by ${signal}` : `exit status ${code}`;
      reject(failure(`${command} failed (${status})${firstLine ? `: ${firstLine}` : ''}`));
    });
  });
}
