// Temp sysroots for the kmod unit tests: inline files (text or bytes) under a fresh directory,
// removed by cleanup().
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempTree {
  readonly root: string;
  cleanup(): void;
}

export function makeTree(files: Record<string, string | Uint8Array>): TempTree {
  const root = mkdtempSync(join(tmpdir(), 'kmod-test-'));
  for (const [path, data] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export const KVER = '6.9.0-test';
export const KDIR = `lib/modules/${KVER}`;
