// A sysroot made from another for a test: the base cloned with hard links (cheap, and never written
// through: whatever is added replaces a link, it never edits one), then Debian packages unpacked over it
// (apt-get download + dpkg -x: no maintainer script runs), folders copied in and files written. Cached
// under cacheDir() by a hash of all of that; a clone is complete once its .complete exists.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { cacheDir } from './fixtures.js';

export interface Derivation {
  /** The cache folder's name before its hash. */
  name: string;
  /** A complete sysroot (a fixture or another derived one). */
  base: string;
  /** Packages to unpack over the clone; aptOptions select another release's sources (e.g. trixie's). */
  debs?: { packages: readonly string[]; aptOptions?: string[] };
  /** Folders of this machine copied to these paths of the clone (replacing what is there). */
  trees?: { from: string; to: string }[];
  files?: Map<string, { content: string | Buffer; mode: number }>;
}

export async function derivedSysroot(d: Derivation): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify([d.base, _stamp(d.base), d.debs ?? null, (d.trees ?? []).map((t) => [t.from, _stamp(t.from), t.to])]));
  for (const [path, f] of d.files ?? []) hash.update(`${path}\0${f.mode}\0`).update(f.content).update('\0');
  const dir = join(cacheDir(), `${d.name}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  return withFileLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, '.complete'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    const debs = mkdtempSync(join(cacheDir(), `${d.name}-debs-`));
    try {
      rmSync(tmp, { recursive: true, force: true });
      execFileSync('cp', ['-al', '--no-target-directory', d.base, tmp]);
      rmSync(join(tmp, '.complete'), { force: true });
      if (d.debs) _unpackDebs(d.debs.packages, d.debs.aptOptions ?? [], debs, tmp);
      for (const t of d.trees ?? []) {
        rmSync(join(tmp, t.to), { recursive: true, force: true });
        mkdirSync(dirname(join(tmp, t.to)), { recursive: true });
        execFileSync('cp', ['-a', t.from, join(tmp, t.to)]);
      }
      for (const [path, f] of d.files ?? []) {
        const target = join(tmp, path);
        mkdirSync(dirname(target), { recursive: true });
        rmSync(target, { force: true });
        writeFileSync(target, f.content);
        chmodSync(target, f.mode);
      }
      writeFileSync(join(tmp, '.complete'), `${d.name}\n`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return dir;
    } finally {
      rmSync(debs, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

function _unpackDebs(packages: readonly string[], aptOptions: string[], debs: string, into: string): void {
  execFileSync('apt-get', [...aptOptions, 'download', '-qq', ...packages], { cwd: debs, stdio: ['ignore', 'ignore', 'inherit'] });
  const unpacked = join(debs, 'root');
  mkdirSync(unpacked);
  for (const pkg of packages) {
    const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download ${pkg} left no .deb in ${debs}`);
    execFileSync('dpkg', ['-x', join(debs, deb), unpacked]);
  }
  // over the hard-linked clone with --remove-destination: never written through into the base
  execFileSync('cp', ['-a', '--remove-destination', `${unpacked}/.`, `${into}/`]);
}

/** What changes when a base is rebuilt: its .complete's inode and time (the folder's own for a plain folder). */
function _stamp(path: string): [number, number] {
  const s = statSync(existsSync(join(path, '.complete')) ? join(path, '.complete') : path);
  return [s.ino, s.mtimeMs];
}
