// The NFS server VM of the NFS-root boot tests: the kernel's nfsd in a QEMU guest, on a network of its
// own with the clients (QEMU socket networking on this machine's loopback: the server listens, each
// client connects in turn), exporting the systemd root tree read-write on a snapshot.
//   nfsServerDisk()   ext4 of the rootfs-nfs fixture (nfs-kernel-server, busybox) with
//                     roots/nfs-server: /etc/exports and the init that starts the server
//   startNfsServer()  boots it (kernel + an image of ours) and resolves once it says it is ready; it
//                     exports /srv/root (the systemd root) and /srv/capture (the capture root)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cachedArtifact } from './disks/cached-artifact.js';
import { copyTree, ROOTS_DIR } from './disks/copy-tree.js';
import { makeExt4 } from './disks/ext4-image.js';
import { treeHash } from './disks/tree-hash.js';
import { nfsRoot } from './fixtures.js';
import { bootVm, type BootResult } from './qemu.js';
import { newBootLogFile } from './qemu/log-files.js';

const _RECIPE = 1;
const OVERLAY = join(ROOTS_DIR, 'nfs-server');
export const SERVER_IP = '10.0.3.1';
export const EXPORT = '/srv/root';
/** The capture root (test/support/capture), for host-only images of a machine whose root is on NFS. */
export const CAPTURE_EXPORT = '/srv/capture';
export const SERVER_MAC = '52:54:00:0f:00:01';
export const READY = /NFS-SERVER: ready/;

export async function nfsServerDisk(): Promise<string> {
  const fixture = statSync(join(nfsRoot(), '.complete'));
  const inputs = { _RECIPE, overlay: treeHash(OVERLAY), fixture: [fixture.ino, fixture.mtimeMs] };
  const art = await cachedArtifact('nfs-server', inputs, async (tmp) => {
    const dir = `${tmp}.tree`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    try {
      execFileSync('cp', ['-a', '--no-target-directory', nfsRoot(), join(dir, 'root')]);
      rmSync(join(dir, 'root', '.complete'), { force: true });
      copyTree(OVERLAY, join(dir, 'root'));
      makeExt4(tmp, { fromDir: join(dir, 'root'), uuid: '6c1f3b7e-2a4d-4e8f-9b0c-5d6e7f809a11', label: 'nfsserver', sizeMiB: 768 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return art.path;
}

export interface NfsServer {
  /** The netdev arguments of a client: connected to the server's socket, with its own MAC. */
  clientNic(mac: string): string[];
  /** Kills the server VM and resolves once qemu is gone. */
  stop(): Promise<BootResult>;
  log(): string;
}

/** Boots the server VM (one VM slot of the harness for as long as it runs) and waits for READY. */
export async function startNfsServer(opts: { kernel: string; initrd: string; exportDisk: string; captureDisk: string; port: number; timeoutMs: number }): Promise<NfsServer> {
  const logFile = newBootLogFile('nfs-server');
  const abort = new AbortController();
  const run = bootVm({
    kernel: opts.kernel, initrd: opts.initrd,
    append: 'root=LABEL=nfsserver rw init=/usr/local/sbin/nfs-server-init rd.driver.pre=nfsd',
    disks: [{ file: await nfsServerDisk(), bus: 'virtio-blk' }, { file: opts.exportDisk, bus: 'virtio-blk' }, { file: opts.captureDisk, bus: 'virtio-blk' }],
    extraArgs: ['-netdev', `socket,id=n1,listen=127.0.0.1:${opts.port}`, '-device', `virtio-net-pci,netdev=n1,mac=${SERVER_MAC}`],
    until: [READY], failOn: [/NFS-SERVER: FAILED/],
    // after READY the server runs until stop(): the harness's wait for a power-off is the server's life
    graceMs: 3_600_000, timeoutMs: 3_600_000, logFile, signal: abort.signal,
  });
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const started = Date.now();
  let ended: BootResult | undefined;
  void run.then((r) => (ended = r));
  while (!READY.test(log())) {
    if (ended) throw new Error(`the NFS server VM stopped before it was ready (log ${logFile}):\n${log().slice(-4000)}`);
    if (/NFS-SERVER: FAILED/.test(log())) throw new Error(`the NFS server VM failed (log ${logFile}):\n${log().slice(-4000)}`);
    if (Date.now() - started > opts.timeoutMs) {
      abort.abort();
      await run;
      throw new Error(`the NFS server VM was not ready within ${opts.timeoutMs} ms (log ${logFile}):\n${log().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    clientNic: (mac) => ['-netdev', `socket,id=n1,connect=127.0.0.1:${opts.port}`, '-device', `virtio-net-pci,netdev=n1,mac=${mac}`],
    stop: async () => {
      abort.abort();
      return run;
    },
    log,
  };
}
