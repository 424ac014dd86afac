// The capture root: the Debian systemd root of makeSystemdTree (boot-marker unit included) plus the
// fixture kernel's modules (an installed host has them: udev in the booted root loads the drivers of
// every device, e.g. sd_mod for a disk that appeared after the initramfs was done), this machine's
// node and this repository's runtime under /opt/mkinitramfs-ts, and capture-host.service
// (test/support/roots/capture) which, only with `mkinitramfs_ts.capture=1` on the kernel command
// line, runs `mkinitramfs-ts capture-host`, writes the record as a tar onto the disk with serial
// "capture" and powers off. Without that word the root boots like any systemd root disk.
// Cached by everything it is made from: a product change (dist/, modules.d/) rebuilds it; disks
// unused for an hour are removed then.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedArtifact } from '../disks/cached-artifact.js';
import { copyTree, ROOTS_DIR } from '../disks/copy-tree.js';
import { makeExt4 } from '../disks/ext4-image.js';
import { makeSystemdTree, SYSTEMD_OVERLAY } from '../disks/systemd-tree.js';
import { treeHash } from '../disks/tree-hash.js';
import { runCli } from '../build-image.js';
import { debianRoot, kmodDir, kver } from '../fixtures.js';

export const CAPTURE_OVERLAY = join(ROOTS_DIR, 'capture');
export const NODE = '/usr/bin/node';
/** Where the runtime lives inside the capture root. */
export const OPT_DIR = '/opt/mkinitramfs-ts';
/** The serial of the disk the capture is written to (a /dev/disk/by-id/*capture* link in the guest). */
export const CAPTURE_SERIAL = 'capture';
/** Printed by the capture unit once the tar is on the disk. */
export const CAPTURE_WRITTEN = /MARKER:capture written to \/dev\/\S+/;
export const CAPTURE_FAILED = /MARKER:capture failed: .*/;

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** What of the repository the CLI needs at run time (package.json: "type": "module"). */
const RUNTIME = ['bin', 'dist', 'modules.d', 'package.json', 'node_modules/commander', 'node_modules/@commander-js', 'node_modules/smol-toml'];

// Bump when the recipe below changes in a way the cache key does not see.
const _RECIPE = 2;

export interface CaptureRootSpec {
  uuid: string;
  label: string;
  hostname?: string;
  sizeMiB?: number;
}

export async function captureRootDisk(spec: CaptureRootSpec): Promise<string> {
  const root = { hostname: 'mkinitramfs-ts-capture', sizeMiB: 1536, ...spec };
  const fixture = statSync(join(debianRoot(), '.complete'));
  const inputs = {
    _RECIPE,
    root,
    fixture: [fixture.ino, fixture.mtimeMs],
    systemdOverlay: treeHash(SYSTEMD_OVERLAY),
    captureOverlay: treeHash(CAPTURE_OVERLAY),
    node: _fileIdentity(NODE),
    kernel: [kver(), _fileIdentity(join(kmodDir(), 'modules.dep'))],
    runtime: RUNTIME.map((p) => [p, _pathHash(join(REPO, p))]),
  };
  const artifact = await cachedArtifact('capture-root', inputs, async (tmp) => {
    const dir = `${tmp}.tree`;
    rmSync(dir, { recursive: true, force: true });
    try {
      makeCaptureTree(dir, root);
      makeExt4(tmp, { fromDir: dir, uuid: root.uuid, label: root.label, sizeMiB: root.sizeMiB });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // Each product change makes a new 850 MB disk: mark this one used, drop those unused for an hour.
  const now = new Date();
  utimesSync(artifact.path, now, now);
  _pruneStale(artifact.path, now.getTime() - _STALE_MS);
  return artifact.path;
}

const _STALE_MS = 3_600_000;

function _pruneStale(keep: string, before: number): void {
  for (const name of readdirSync(dirname(keep))) {
    const path = join(dirname(keep), name);
    if (path === keep || !/^capture-root-[0-9a-f]+\.img$/.test(name)) continue;
    const st = statSync(path, { throwIfNoEntry: false }); // another run may be pruning too
    if (st !== undefined && st.mtimeMs < before) rmSync(path, { force: true });
  }
}

export function makeCaptureTree(dir: string, spec: { uuid: string; hostname: string }): void {
  makeSystemdTree(dir, spec);
  mkdirSync(join(dir, 'usr/lib/modules'), { recursive: true });
  execFileSync('cp', ['-a', '--no-target-directory', kmodDir(), join(dir, 'usr/lib/modules', kver())]);
  _installNode(dir);
  for (const rel of RUNTIME) {
    const to = join(dir, OPT_DIR, rel);
    mkdirSync(dirname(to), { recursive: true });
    execFileSync('cp', ['-a', '--no-target-directory', join(REPO, rel), to]);
  }
  copyTree(CAPTURE_OVERLAY, dir);
  chmodSync(join(dir, 'usr/local/sbin/capture-host'), 0o755); // whatever mode the checkout gave it
  const wants = join(dir, 'etc/systemd/system/multi-user.target.wants');
  mkdirSync(wants, { recursive: true });
  rmSync(join(wants, 'capture-host.service'), { force: true });
  symlinkSync('/etc/systemd/system/capture-host.service', join(wants, 'capture-host.service'));
}

/** node and every file our own `ldd` says it needs, where the tree does not have it already. */
function _installNode(dir: string): void {
  const lines = runCli(['ldd', '--sysroot', '/', NODE]).split('\n').filter((l) => l !== '');
  for (const line of lines) {
    const [path, target] = line.split(' -> ') as [string, string | undefined];
    const to = join(dir, path);
    if (_exists(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    if (target !== undefined) symlinkSync(target, to);
    else copyFileSync(path, to);
  }
  chmodSync(join(dir, NODE), 0o755);
}

function _exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
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
