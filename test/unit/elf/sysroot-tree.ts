// Build a throw-away sysroot from an inline description: files (Buffer or text, executable by
// default), symlinks and empty directories. Each call gets its own temporary directory.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FsHost } from '../../../src/host/fs-host.js';

export type TreeNode = Buffer | string | { symlink: string } | { dir: true } | { data: Buffer | string; mode: number };

export interface Sysroot {
  root: string;
  host: FsHost;
  cleanup(): void;
}

export const link = (target: string): TreeNode => ({ symlink: target });
export const dir: TreeNode = { dir: true };

export function makeSysroot(spec: Record<string, TreeNode>): Sysroot {
  const root = mkdtempSync(join(tmpdir(), 'mkinitramfs-elf-'));
  for (const [path, node] of Object.entries(spec)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    if (typeof node === 'string' || Buffer.isBuffer(node)) {
      writeFileSync(abs, node);
      chmodSync(abs, 0o755);
    } else if ('symlink' in node) symlinkSync(node.symlink, abs);
    else if ('dir' in node) mkdirSync(abs, { recursive: true });
    else {
      writeFileSync(abs, node.data);
      chmodSync(abs, node.mode);
    }
  }
  return { root, host: new FsHost({ root }), cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
