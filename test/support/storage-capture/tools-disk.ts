// The tools disk the storage capture unit mounts (serial "tools"): an ext4 made with `mke2fs -d`
// holding this machine's node (bin/node), its libraries and their loader flattened into lib/ (the
// unit runs node through lib/ld-linux-x86-64.so.2 --library-path lib, so the root's libraries do
// not matter), and this repository's runtime under mkinitramfs-ts/. Cached by node's identity and a
// hash of the runtime: a product change rebuilds this ~110 MiB disk in seconds, never the storage
// disks.
import { copyFileSync, existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli } from '../build-image.js';
import { cachedArtifact } from '../disks/cached-artifact.js';
import { makeExt4 } from '../disks/ext4-image.js';
import { copyRuntime, keepFreshAndPrune, NODE, nodeIdentity, runtimeHashes } from '../repo-runtime.js';

/** The serial of the tools disk (a /dev/disk/by-id/*tools* link in the guest). */
export const TOOLS_SERIAL = 'tools';
const _UUID = '5a0e1c2d-00f0-4c3b-9a8e-1f2d3c4b5af0';
// Bump when the layout below changes in a way the cache key does not see.
const _RECIPE = 1;

export async function toolsDisk(): Promise<string> {
  const inputs = { _RECIPE, node: nodeIdentity(), runtime: runtimeHashes() };
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
  keepFreshAndPrune(art.path, 'storage-tools');
  return art.path;
}

function _makeTree(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'lib'), { recursive: true });
  copyFileSync(realpathSync(NODE), join(dir, 'bin/node'));
  // Every shared object our own `ldd` lists (the loader included), dereferenced, under its listed name.
  for (const line of runCli(['ldd', '--sysroot', '/', NODE]).split('\n')) {
    const path = line.split(' -> ')[0] ?? '';
    if (!/\.so(\.|$)/.test(basename(path))) continue;
    copyFileSync(realpathSync(path), join(dir, 'lib', basename(path)));
  }
  if (!existsSync(join(dir, 'lib/ld-linux-x86-64.so.2'))) throw new Error(`ldd of ${NODE} named no ld-linux-x86-64.so.2`);
  copyRuntime(join(dir, 'mkinitramfs-ts'));
}
