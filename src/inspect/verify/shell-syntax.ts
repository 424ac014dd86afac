// Checks a shell script's syntax without running it: `sh -n` (bash -n for bash scripts) of the build
// machine, the script on its stdin. The image's own shell is never run: the image may come from
// anywhere, and verify runs as root. No temporary copy: a build killed while it verifies (the check runs
// beside the compressor) must leave nothing behind.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'busybox']);

/** True when `interpreter` (a #! line's program) is a POSIX-family shell whose syntax `sh -n` can check. */
export function isShell(interpreter: string): boolean {
  return SHELLS.has(posix.basename(interpreter));
}

export interface SyntaxResult {
  /** False when no checking shell could be run on this machine. */
  checked: boolean;
  /** The shell's complaint (first lines), with the temporary path replaced by `name`; undefined when valid. */
  error?: string;
  /** The shell that checked it. */
  shell?: string;
}

/** Runs beside the caller (a child process): start it first, await it after the other checks. */
export async function checkShellSyntax(script: Buffer, interpreter: string, name: string): Promise<SyntaxResult> {
  const shell = _checker(interpreter);
  if (shell === undefined) return { checked: false };
  const res = await _run(shell, ['-n'], script);
  if (res === undefined) return { checked: false };
  if (res.status === 0) return { checked: true, shell };
  // from stdin the shell names itself where a file name would be: "/bin/sh: 2: Syntax error: …"
  const text = res.stderr
    .split('\n')
    .map((line) => (line.startsWith(`${shell}: `) ? `${name}: ${line.slice(shell.length + 2)}` : line))
    .join('\n')
    .trim()
    .split('\n')
    .slice(0, 3)
    .join(' / ');
  return { checked: true, shell, error: text === '' ? `${shell} -n exited with status ${res.status ?? 'signal'}` : text };
}

/** Exit status and stderr; undefined when the shell could not be started or took over 30 s. */
function _run(shell: string, args: string[], input: Buffer): Promise<{ status: number | null; stderr: string } | undefined> {
  return new Promise((resolve) => {
    const child = spawn(shell, args, { stdio: ['pipe', 'ignore', 'pipe'], timeout: 30_000 });
    child.stdin.on('error', () => undefined); // the shell may stop reading early (EPIPE); its status says why
    child.stdin.end(input);
    const err: Buffer[] = [];
    let failed = false;
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', () => (failed = true));
    child.on('close', (status, signal) => {
      if (failed || signal === 'SIGTERM') return resolve(undefined);
      resolve({ status, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function _checker(interpreter: string): string | undefined {
  const wantsBash = posix.basename(interpreter) === 'bash';
  const candidates = wantsBash ? ['/bin/bash', '/usr/bin/bash', '/bin/sh'] : ['/bin/sh', '/usr/bin/sh'];
  return candidates.find((c) => existsSync(c));
}
