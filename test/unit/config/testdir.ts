// Builds a file tree inline ({ 'etc/a.conf': 'text' }) under a fresh temp dir; removed by cleanup().
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Tree = Record<string, string | { symlink: string }>;

const made: string[] = [];

export function testdir(tree: Tree = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'mkits-test-'));
  made.push(root);
  for (const [path, content] of Object.entries(tree)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof content === 'string') writeFileSync(full, content);
    else symlinkSync(content.symlink, full);
  }
  return root;
}

export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
