// A slow artefact (a disk image) kept under cacheDir()/disks, named by a hash of everything it is
// built from. It is built into a temporary name and renamed into place, under a lock shared by
// parallel test workers: a killed build never leaves a file that looks complete.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { withFileLock } from '../file-lock.js';
import { cacheDir } from '../fixtures.js';

export interface CachedArtifact {
  path: string;
  /** Built by this call (false: it was in the cache). */
  built: boolean;
  ms: number;
}

export async function cachedArtifact(
  name: string,
  inputs: unknown,
  build: (tmpPath: string) => Promise<void>,
): Promise<CachedArtifact> {
  const started = Date.now();
  const key = createHash('sha256').update(JSON.stringify({ name, inputs })).digest('hex').slice(0, 16);
  const path = join(disksDir(), `${name}-${key}.img`);
  if (existsSync(path)) return { path, built: false, ms: Date.now() - started };
  return withFileLock(`${path}.lock`, async () => {
    if (existsSync(path)) return { path, built: false, ms: Date.now() - started };
    _removeLeftovers(path);
    const tmpPath = `${path}.tmp-${process.pid}`;
    try {
      await build(tmpPath);
      renameSync(tmpPath, path);
    } finally {
      rmSync(tmpPath, { recursive: true, force: true });
    }
    return { path, built: true, ms: Date.now() - started };
  });
}

export function disksDir(): string {
  const dir = join(cacheDir(), 'disks');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Temporary files of an earlier build of the same artefact that was killed (we hold its lock). */
function _removeLeftovers(path: string): void {
  const prefix = `${basename(path)}.tmp-`;
  for (const entry of readdirSync(dirname(path))) {
    if (entry.startsWith(prefix)) rmSync(join(dirname(path), entry), { recursive: true, force: true });
  }
}
