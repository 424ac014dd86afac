// The tools disk the storage capture unit mounts (serial "tools"): an ext4 made with `mke2fs -d`
// holding this machine's node (bin/node), its libraries and their loader flattened into lib/ (the
// unit runs node through lib/ld-linux-x86-64.so.2 --library-path lib, so the root's libraries do
// not matter), and this repository's runtime under mkinitramfs-ts/. Cached by node's identity and a
// hash of the runtime: a product change rebuilds this ~110 MiB disk in seconds, never the storage
// disks.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../build-image.js';
import { cachedArtifact } from '../disks/cached-artifact.js';
import { makeExt4 } from '../disks/ext4-image.js';
import { treeHash } from '../disks/tree-hash.js';

/** The serial of the tools disk (a /dev/disk/by-id/*tools* link in the guest). */
export const TOOLS_SERIAL = 'tools';
const _NODE = '/usr/bin/node';
const _REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** What of the repository the CLI needs at run time (the same list as the capture root's). */
const _RUNTIME = ['bin', 'dist', 'modules.d', 'package.json', 'node_modules/commander', 'node_modules/@commander-js', 'node_modules/smol-toml'];
const _UUID = '5a0e1c2d-00f0-4c3b-9a8e-1f2d3c4b5af0';
// Bump when the layout below changes in a way the cache key does not see.
const _RECIPE = 1;

export async function toolsDisk(): Promise<string> {
  const inputs = { _RECIPE, node: _fileIdentity(_NODE), runtime: _RUNTIME.map((p) => [p, _pathHash(join(_REPO, p))]) };
  const art = await cachedArtifact('storage-tools', inputs, async (tmp) => {
    const dir = `${tmp}.tree`;
    rmSync(dir, { recursive: true, force: true });
    try {
      _makeTree(dir);
      const mib = Math.ceil(Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]) / 1048576);
      makeExt4(tmp, { fromDir: dir, uuid: _UUID, label: 'tools', sizeMiB: mib + 48 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // Each product change makes a new disk: mark this one used, drop those unused for an hour.
  const now = new Date();
  utimesSync(art.path, now, now);
  _pruneStale(art.path, now.getTime() - _STALE_MS);
  return art.path;
}

const _STALE_MS = 3_600_000;

function _makeTree(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'lib'), { recursive: true });
  copyFileSync(realpathSync(_NODE), join(dir, 'bin/node'));
  // Every shared object our own `ldd` lists (the loader included), dereferenced, under its listed name.
  for (const line of runCli(['ldd', '--sysroot', '/', _NODE]).split('\n')) {
    const path = line.split(' -> ')[0] ?? '';
    if (!/\.so(\.|$)/.test(basename(path))) continue;
    copyFileSync(realpathSync(path), join(dir, 'lib', basename(path)));
  }
  if (!existsSync(join(dir, 'lib/ld-linux-x86-64.so.2'))) throw new Error(`ldd of ${_NODE} named no ld-linux-x86-64.so.2`);
  for (const rel of _RUNTIME) {
    const to = join(dir, 'mkinitramfs-ts', rel);
    mkdirSync(dirname(to), { recursive: true });
    execFileSync('cp', ['-a', '--no-target-directory', join(_REPO, rel), to]);
  }
}

function _pruneStale(keep: string, before: number): void {
  for (const name of readdirSync(dirname(keep))) {
    const path = join(dirname(keep), name);
    if (path === keep || !/^storage-tools-[0-9a-f]+\.img$/.test(name)) continue;
    const st = statSync(path, { throwIfNoEntry: false }); // another run may be pruning too
    if (st !== undefined && st.mtimeMs < before) rmSync(path, { force: true });
  }
}

/** Which file: its resolved path, size, mtime and inode (hashing node's 100 MB on every run is slow). */
function _fileIdentity(path: string): unknown {
  const real = realpathSync(path);
  const st = statSync(real);
  return [real, st.size, st.mtimeMs, st.ino];
}

function _pathHash(path: string): string {
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npx tsc -p tsconfig.build.json' (and npm ci) first`);
  if (statSync(path).isDirectory()) return treeHash(path);
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
