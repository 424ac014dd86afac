// What a guest needs to run this repository's CLI (node and the runtime files), how to key a cached
// disk on them, and the upkeep of such disks: every product change makes a new one, so the one in
// use is marked fresh and those unused for an hour are removed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { treeHash } from './disks/tree-hash.js';

export const NODE = '/usr/bin/node';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** What of the repository the CLI needs at run time (package.json: "type": "module"). */
const RUNTIME = ['bin', 'dist', 'modules.d', 'package.json'];

/** Which file: its resolved path, size, mtime and inode (hashing node's 100 MB on every run is slow). */
export function fileIdentity(path: string): unknown {
  const real = realpathSync(path);
  const st = statSync(real);
  return [real, st.size, st.mtimeMs, st.ino];
}

export const nodeIdentity = (): unknown => fileIdentity(NODE);

/** A content hash of each runtime path, for cache keys. */
export function runtimeHashes(): [string, string][] {
  return RUNTIME.map((rel) => {
    const path = join(REPO, rel);
    if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run build' (and npm ci) first`);
    return [rel, statSync(path).isDirectory() ? treeHash(path) : createHash('sha256').update(readFileSync(path)).digest('hex')];
  });
}

/** Copy the runtime into `dest` (dest/bin, dest/dist, ...). */
export function copyRuntime(dest: string): void {
  for (const rel of RUNTIME) {
    const to = join(dest, rel);
    mkdirSync(dirname(to), { recursive: true });
    execFileSync('cp', ['-a', '--no-target-directory', join(REPO, rel), to]);
  }
}

const _STALE_MS = 3_600_000;

/** Mark the cached disk `keep` used now and remove its `kind-HASH.img` siblings unused for an hour. */
export function keepFreshAndPrune(keep: string, kind: string): void {
  const now = new Date();
  utimesSync(keep, now, now);
  const pattern = new RegExp(`^${kind}-[0-9a-f]+\\.img$`);
  for (const name of readdirSync(dirname(keep))) {
    const path = join(dirname(keep), name);
    if (path === keep || !pattern.test(name)) continue;
    const st = statSync(path, { throwIfNoEntry: false }); // another run may be pruning too
    if (st !== undefined && st.mtimeMs < now.getTime() - _STALE_MS) rmSync(path, { force: true });
  }
}
