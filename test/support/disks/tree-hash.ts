// A hash of a directory tree's names, modes, contents and link targets: part of a cache key, so
// editing a file under test/support/roots rebuilds the disks that hold it.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  _walk(dir, '', hash);
  return hash.digest('hex');
}

function _walk(dir: string, rel: string, hash: ReturnType<typeof createHash>): void {
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = join(rel, name);
    const st = lstatSync(join(dir, path));
    hash.update(`${path}\0${st.mode}\0`);
    if (st.isSymbolicLink()) hash.update(readlinkSync(join(dir, path)));
    else if (st.isDirectory()) _walk(dir, path, hash);
    else hash.update(readFileSync(join(dir, path)));
    hash.update('\0');
  }
}
