// The sysroot the storage images are built from: the fixture sysroot cloned with hard links (cheap,
// never written through: only new files are added) plus what a real host with these disks would
// have: the key file, a crypttab naming the NVMe container, and (for the disk builder only) the
// builder script with its recipe. Cached under cacheDir() by a hash of the added files.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withFileLock } from '../file-lock.js';
import { buildSysroot, cacheDir } from '../fixtures.js';
import { recipeEnv, STORAGE_RECIPE, storageKey } from './recipe.js';

export const BUILDER_DIR = '/usr/local/lib/storage-builder';
export const BUILDER_SCRIPT = `${BUILDER_DIR}/build-disks.sh`;
const _SCRIPT_SOURCE = fileURLToPath(new URL('./build-disks.sh', import.meta.url));

/** The files added to the clone (path in the sysroot → content, mode). */
export function storageSysrootFiles(disksEnv: string): Map<string, { content: string | Buffer; mode: number }> {
  const r = STORAGE_RECIPE;
  return new Map([
    [r.keyPath, { content: storageKey(), mode: 0o600 }],
    ['/etc/crypttab', { content: `# <name> <device> <key file> <options>\n${r.nvme.cryptName} UUID=${r.nvme.luksUuid} ${r.keyPath} luks,discard\n`, mode: 0o644 }],
    [BUILDER_SCRIPT, { content: readFileSync(_SCRIPT_SOURCE), mode: 0o755 }],
    [`${BUILDER_DIR}/recipe.env`, { content: recipeEnv(), mode: 0o644 }],
    [`${BUILDER_DIR}/disks.env`, { content: disksEnv, mode: 0o644 }],
  ]);
}

export async function storageSysroot(disksEnv: string): Promise<string> {
  const files = storageSysrootFiles(disksEnv);
  const base = buildSysroot();
  const complete = statSync(join(base, '.complete'));
  const hash = createHash('sha256').update(JSON.stringify([base, complete.ino, complete.mtimeMs]));
  for (const [path, f] of files) hash.update(`${path}\0${f.mode}\0`).update(f.content).update('\0');
  const dir = join(cacheDir(), `storage-sysroot-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  return withFileLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, '.complete'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    execFileSync('cp', ['-al', '--no-target-directory', base, tmp]);
    for (const [path, f] of files) {
      const target = join(tmp, path);
      mkdirSync(dirname(target), { recursive: true });
      rmSync(target, { force: true }); // a hard link into the fixture must not be written through
      writeFileSync(target, f.content);
      chmodSync(target, f.mode);
    }
    renameSync(tmp, dir);
    _removeOlderClones(dir);
    return dir;
  });
}

/** Clones made from earlier versions of the added files: hard links, but thousands of inodes each. */
function _removeOlderClones(keep: string): void {
  for (const name of readdirSync(cacheDir())) {
    const path = join(cacheDir(), name);
    if (/^storage-sysroot-[0-9a-f]{16}$/.test(name) && path !== keep) rmSync(path, { recursive: true, force: true });
  }
}
