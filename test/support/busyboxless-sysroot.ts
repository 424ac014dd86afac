// A copy of the build sysroot without busybox (Debian without busybox-static), for the userspace
// fallback: hard links into a fresh directory beside the fixtures (same file system), with every
// busybox on a root PATH removed from the copy. The fixture itself is never touched.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSysroot, cacheDir } from './fixtures.js';

const PATH_DIRS = ['usr/local/sbin', 'usr/local/bin', 'usr/sbin', 'usr/bin', 'sbin', 'bin'];

/** Make the copy; returns its root and a function that removes it. `drop` removes more paths. */
export function busyboxlessSysroot(drop: string[] = []): { root: string; remove: () => void } {
  mkdirSync(cacheDir(), { recursive: true });
  const dir = mkdtempSync(join(cacheDir(), 'no-busybox-'));
  const root = join(dir, 'sysroot');
  execFileSync('cp', ['-al', buildSysroot(), root]);
  for (const d of PATH_DIRS) {
    const p = join(root, d, 'busybox');
    // only through real directories: a linked /bin (merged /usr) may point out of the copy
    if (_realDirs(root, d) && _present(p)) rmSync(p);
  }
  for (const p of drop) {
    const dirPart = p.split('/').slice(0, -1).join('/');
    if (!_realDirs(root, dirPart)) throw new Error(`${p}: remove it through real directories of the copy (e.g. usr/bin/sh)`);
    rmSync(join(root, p));
  }
  for (const d of PATH_DIRS) if (_present(join(root, d, 'busybox'))) throw new Error(`${root}/${d}/busybox is still there`);
  return { root, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function _realDirs(root: string, rel: string): boolean {
  let p = root;
  for (const part of rel.split('/')) {
    p = join(p, part);
    if (!existsSync(p) || lstatSync(p).isSymbolicLink()) return false;
  }
  return true;
}

function _present(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return existsSync(p);
  }
}
