// The NFS server VM of the NFS-root boot tests: the kernel's nfsd in a QEMU guest (a server-vm.ts VM, on a
// network of its own with the clients), exporting the systemd root tree read-write on a snapshot.
//   nfsServerDisk()   ext4 of the rootfs-nfs fixture (nfs-kernel-server, busybox) with
//                     roots/nfs-server: /etc/exports and the init that starts the server
//   startNfsServer()  boots it (kernel + an image of ours) and resolves once it says it is ready; it
//                     exports /srv/root (the systemd root) and /srv/capture (the capture root)
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cachedArtifact } from './disks/cached-artifact.js';
import { copyTree, ROOTS_DIR } from './disks/copy-tree.js';
import { makeExt4 } from './disks/ext4-image.js';
import { treeHash } from './disks/tree-hash.js';
import { nfsRoot } from './fixtures.js';
import { startServerVm, type ServerVm } from './server-vm.js';

const _RECIPE = 1;
const OVERLAY = join(ROOTS_DIR, 'nfs-server');
export const SERVER_IP = '10.0.3.1';
export const EXPORT = '/srv/root';
/** The capture root (test/support/capture), for host-only images of a machine whose root is on NFS. */
export const CAPTURE_EXPORT = '/srv/capture';
export const SERVER_MAC = '52:54:00:0f:00:01';
export const READY = /NFS-SERVER: ready/;

/** The server's root disk: ROOT (default the rootfs-nfs fixture) with roots/nfs-server over it, then
 *  `overlay` (another server built on this one: roots/dhcp6-server). */
export async function nfsServerDisk(variant: { root: string; overlay: string } | undefined = undefined): Promise<string> {
  const base = variant?.root ?? nfsRoot();
  const fixture = statSync(join(base, '.complete'));
  const inputs = { _RECIPE, overlay: treeHash(OVERLAY), fixture: [fixture.ino, fixture.mtimeMs], ...(variant ? { variant: treeHash(variant.overlay) } : {}) };
  const art = await cachedArtifact(variant ? `nfs-server-${basename(variant.overlay)}` : 'nfs-server', inputs, async (tmp) => {
    const dir = `${tmp}.tree`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    try {
      execFileSync('cp', ['-a', '--no-target-directory', base, join(dir, 'root')]);
      rmSync(join(dir, 'root', '.complete'), { force: true });
      copyTree(OVERLAY, join(dir, 'root'));
      if (variant) copyTree(variant.overlay, join(dir, 'root'));
      makeExt4(tmp, { fromDir: join(dir, 'root'), uuid: '6c1f3b7e-2a4d-4e8f-9b0c-5d6e7f809a11', label: 'nfsserver', sizeMiB: 768 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return art.path;
}

export type NfsServer = ServerVm;

/** Boots the server VM (one VM slot of the harness for as long as it runs) and waits for READY. */
export async function startNfsServer(opts: { kernel: string; initrd: string; exportDisk: string; captureDisk: string; port: number; timeoutMs: number }): Promise<NfsServer> {
  return startServerVm({
    name: 'nfs-server', kernel: opts.kernel, initrd: opts.initrd,
    append: 'root=LABEL=nfsserver rw init=/usr/local/sbin/nfs-server-init rd.driver.pre=nfsd',
    disks: [{ file: await nfsServerDisk(), bus: 'virtio-blk' }, { file: opts.exportDisk, bus: 'virtio-blk' }, { file: opts.captureDisk, bus: 'virtio-blk' }],
    mac: SERVER_MAC, port: opts.port, ready: READY, failed: /NFS-SERVER: FAILED/, timeoutMs: opts.timeoutMs,
  });
}
