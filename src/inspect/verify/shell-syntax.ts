// Checks a shell script's syntax without running it: `sh -n` (bash -n for bash scripts) of the build
// machine on a private temporary copy. The image's own shell is never run: the image may come from
// anywhere, and verify runs as root.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';

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
  const dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-verify-'));
  const copy = join(dir, 'script');
  try {
    writeFileSync(copy, script, { mode: 0o600 });
    const res = await _run(shell, ['-n', copy]);
    if (res === undefined) return { checked: false };
    if (res.status === 0) return { checked: true, shell };
    const text = res.stderr.replaceAll(copy, name).trim().split('\n').slice(0, 3).join(' / ');
    return { checked: true, shell, error: text === '' ? `${shell} -n exited with status ${res.status ?? 'signal'}` : text };
  } finally {
    // not rmSync: Node 20 runs it in JavaScript (rimraf), 5 ms for one file
    for (const remove of [() => unlinkSync(copy), () => rmdirSync(dir)]) {
      try {
        remove();
      } catch {
        // the copy was never written, or is gone already
      }
    }
  }
}

/** Exit status and stderr; undefined when the shell could not be started or took over 30 s. */
function _run(shell: string, args: string[]): Promise<{ status: number | null; stderr: string } | undefined> {
  return new Promise((resolve) => {
    const child = spawn(shell, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
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
