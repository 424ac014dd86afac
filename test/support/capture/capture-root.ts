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
import { chmodSync, copyFileSync, lstatSync, mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cachedArtifact } from '../disks/cached-artifact.js';
import { copyTree, ROOTS_DIR } from '../disks/copy-tree.js';
import { makeExt4 } from '../disks/ext4-image.js';
import { makeSystemdTree, SYSTEMD_OVERLAY } from '../disks/systemd-tree.js';
import { treeHash } from '../disks/tree-hash.js';
import { runCli } from '../build-image.js';
import { debianRoot, kmodDir, kver } from '../fixtures.js';
import { copyRuntime, fileIdentity, keepFreshAndPrune, NODE, nodeIdentity, runtimeHashes } from '../repo-runtime.js';

export { NODE } from '../repo-runtime.js';

export const CAPTURE_OVERLAY = join(ROOTS_DIR, 'capture');
/** Where the runtime lives inside the capture root. */
export const OPT_DIR = '/opt/mkinitramfs-ts';
/** The serial of the disk the capture is written to (a /dev/disk/by-id/*capture* link in the guest). */
export const CAPTURE_SERIAL = 'capture';
/** Printed by the capture unit once the tar is on the disk. */
export const CAPTURE_WRITTEN = /MARKER:capture written to \/dev\/\S+/;
export const CAPTURE_FAILED = /MARKER:capture failed: .*/;

// Bump when the recipe below changes in a way the cache key does not see.
const _RECIPE = 2;

export interface CaptureRootSpec {
  uuid: string;
  label: string;
  hostname?: string;
  sizeMiB?: number;
  /** /etc/fstab of the root (default: the root by UUID, ext4). */
  fstab?: string;
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
    node: nodeIdentity(),
    kernel: [kver(), fileIdentity(join(kmodDir(), 'modules.dep'))],
    runtime: runtimeHashes(),
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
  keepFreshAndPrune(artifact.path, 'capture-root'); // each product change makes a new 850 MB disk
  return artifact.path;
}

export function makeCaptureTree(dir: string, spec: { uuid: string; hostname: string; fstab?: string }): void {
  makeSystemdTree(dir, spec);
  mkdirSync(join(dir, 'usr/lib/modules'), { recursive: true });
  execFileSync('cp', ['-a', '--no-target-directory', kmodDir(), join(dir, 'usr/lib/modules', kver())]);
  _installNode(dir);
  copyRuntime(join(dir, OPT_DIR));
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
