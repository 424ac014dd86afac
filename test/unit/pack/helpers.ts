// Shared by the packer tests: temporary directories that are removed afterwards, plan shorthands and
// a way to run GNU tools on bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Plan, PlanEntry } from '../../../src/assemble/plan.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed after the current test. */
export function tempDir(prefix = 'mkinitramfs-pack-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

const why = [{ why: 'test' }];
export const dir = (path: string, mode = 0o755): PlanEntry => ({ type: 'dir', path, mode, reasons: why });
export const file = (path: string, content: string | Buffer, mode = 0o644): PlanEntry => ({ type: 'file', path, mode, content, reasons: why });
export const fromDisk = (path: string, source: string, mode = 0o755): PlanEntry => ({ type: 'file', path, mode, source, reasons: why });
export const symlink = (path: string, target: string): PlanEntry => ({ type: 'symlink', path, target, reasons: why });
export const hardlink = (path: string, target: string): PlanEntry => ({ type: 'hardlink', path, target, reasons: why });
export const chardev = (path: string, major: number, minor: number, mode = 0o600): PlanEntry => ({ type: 'chardev', path, mode, major, minor, reasons: why });
export const blockdev = (path: string, major: number, minor: number, mode = 0o600): PlanEntry => ({ type: 'blockdev', path, mode, major, minor, reasons: why });

/** A plan from entries that are already in sorted order (as PlanBuilder produces them). */
export function planOf(entries: PlanEntry[], early: PlanEntry[] = []): Plan {
  return { kver: '6.1.0-test', entries, early, warnings: [], notes: [] };
}

/** Runs a tool with `input` on stdin and returns stdout; throws on a non-zero exit. */
export function run(tool: string, args: string[], input?: Buffer, cwd?: string): Buffer {
  return execFileSync(tool, args, { input, cwd, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
}
