// Build an image with the real CLI (dist/, as users run it) for boot tests; cached per test run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSysroot, kver } from './fixtures.js';

export const CLI = fileURLToPath(new URL('../../bin/mkinitramfs-ts.cjs', import.meta.url));

/** Run the CLI; returns stdout. Throws with stderr on a non-zero exit. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A generic image of the fixture sysroot with extra CLI args; returns its path. */
export function buildFixtureImage(name: string, args: string[] = []): string {
  const out = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-')), `${name}.img`);
  runCli(['build', '--sysroot', buildSysroot(), '--kver', kver(), '-o', out, ...args]);
  return out;
}
