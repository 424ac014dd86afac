// Test disks, cached under cacheDir()/disks by a hash of what they are made from (see
// disks/cached-artifact.ts). Boot them with snapshot on (bootVm's default): they are shared.
//   markerRootDisk  ext4 holding busybox and an /sbin/init that prints `MARKER:<marker> root=…` and powers off
//   gptDisk         the same filesystem in partition 1 of a GPT disk
//   systemdRootDisk the Debian fixture root with systemd, printing `MARKER:systemd multi-user reached`
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { debianRoot } from './fixtures.js';
import { cachedArtifact, type CachedArtifact } from './disks/cached-artifact.js';
import { makeExt4 } from './disks/ext4-image.js';
import { makeGptDisk } from './disks/gpt-table.js';
import { busyboxIdentity, makeMarkerTree, MARKER_OVERLAY } from './disks/marker-tree.js';
import { makeSystemdTree, SYSTEMD_OVERLAY } from './disks/systemd-tree.js';
import { treeHash } from './disks/tree-hash.js';

export type { CachedArtifact } from './disks/cached-artifact.js';

// Bump when a recipe below changes in a way the cache key does not see.
const _RECIPE = 2;

export interface MarkerFs {
  uuid: string;
  /** At most 16 characters (ext4). */
  label: string;
  /** Printed as `MARKER:<marker> root=<dev> fstype=<type> options=<opts>` once booted. */
  marker: string;
  sizeMiB?: number;
}

export interface GptSpec {
  diskGuid?: string;
  partUuid: string;
  partLabel: string;
  fsUuid: string;
  fsLabel?: string;
  marker: string;
  sizeMiB?: number;
}

export interface SystemdRootSpec {
  uuid: string;
  label: string;
  hostname?: string;
  sizeMiB?: number;
  /** The Debian root to copy (default: the Debian 12 fixture root, debianRoot()). */
  base?: string;
  /** /etc/fstab of the root (default: the root by UUID, ext4). */
  fstab?: string;
}

export async function markerRootDisk(spec: MarkerFs): Promise<string> {
  return (await markerRootDiskArtifact(spec)).path;
}

export function markerRootDiskArtifact(spec: MarkerFs): Promise<CachedArtifact> {
  const fs = { sizeMiB: 16, ...spec };
  return cachedArtifact('marker', { _RECIPE, fs, ..._markerInputs() }, async (tmp) =>
    _withTempDir(tmp, (dir) => {
      makeMarkerTree(dir, fs.marker);
      makeExt4(tmp, { fromDir: dir, uuid: fs.uuid, label: fs.label, sizeMiB: fs.sizeMiB });
    }),
  );
}

export async function gptDisk(spec: GptSpec): Promise<string> {
  return (await gptDiskArtifact(spec)).path;
}

export function gptDiskArtifact(spec: GptSpec): Promise<CachedArtifact> {
  const gpt = { diskGuid: '5b1e0c2a-7d6f-4c3b-9a8e-1f2d3c4b5a60', fsLabel: 'gptroot', sizeMiB: 16, ...spec };
  return cachedArtifact('gpt', { _RECIPE, gpt, ..._markerInputs() }, async (tmp) =>
    _withTempDir(tmp, (dir) => {
      makeMarkerTree(dir, gpt.marker);
      const [offset] = makeGptDisk(tmp, {
        diskGuid: gpt.diskGuid,
        partitions: [{ sizeMiB: gpt.sizeMiB, uuid: gpt.partUuid, name: gpt.partLabel }],
      });
      makeExt4(tmp, { fromDir: dir, uuid: gpt.fsUuid, label: gpt.fsLabel, sizeMiB: gpt.sizeMiB, offsetBytes: offset! });
    }),
  );
}

export async function systemdRootDisk(spec: SystemdRootSpec): Promise<string> {
  return (await systemdRootDiskArtifact(spec)).path;
}

export function systemdRootDiskArtifact(spec: SystemdRootSpec): Promise<CachedArtifact> {
  const root = { hostname: 'mkinitramfs-ts-test', sizeMiB: 1024, ...spec };
  const fixture = statSync(join(spec.base ?? debianRoot(), '.complete'));
  const inputs = { _RECIPE, root, overlay: treeHash(SYSTEMD_OVERLAY), fixture: [fixture.ino, fixture.mtimeMs] };
  return cachedArtifact('systemd', inputs, async (tmp) =>
    _withTempDir(tmp, (dir) => {
      makeSystemdTree(join(dir, 'root'), { uuid: root.uuid, hostname: root.hostname, ...(spec.base ? { base: spec.base } : {}), ...(spec.fstab !== undefined ? { fstab: spec.fstab } : {}) });
      makeExt4(tmp, { fromDir: join(dir, 'root'), uuid: root.uuid, label: root.label, sizeMiB: root.sizeMiB });
    }),
  );
}

function _markerInputs(): { overlay: string; busybox: string } {
  return { overlay: treeHash(MARKER_OVERLAY), busybox: busyboxIdentity() };
}

/** A scratch dir beside the image being built (same filesystem, not a small tmpfs), always removed;
 *  named after it so a killed build's leftovers are found and removed by the next build. */
function _withTempDir(tmp: string, work: (dir: string) => void): void {
  const dir = `${tmp}.tree`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  try {
    work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
