// The DHCPv6 server VM of the DHCPv6 boot tests: the NFS server VM (nfs-server.ts) on the rootfs-net6
// fixture with roots/dhcp6-server over it: fd00:3::1/64 on the test network, dnsmasq sending router
// advertisements of fd00:3::/64 and DHCPv6 leases (fd00:3::100-1ff, DNS fd00:3::53, search dhcp6.test),
// the systemd root exported over NFS to IPv6 (and IPv4) clients. It keeps udhcpd's DHCPv4 of the NFS
// server too, for the DHCPv4 cells of the sysroot's clients.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cachedArtifact } from './disks/cached-artifact.js';
import { ROOTS_DIR } from './disks/copy-tree.js';
import { makeExt4 } from './disks/ext4-image.js';
import { net6Root } from './fixtures.js';
import { nfsServerDisk, READY, SERVER_MAC } from './nfs-server.js';
import { startServerVm, type ServerVm } from './server-vm.js';

export const SERVER_IP6 = 'fd00:3::1';
export const DNS_IP6 = 'fd00:3::53';
export const SEARCH6 = 'dhcp6.test';

/** nfs-server-init mounts a capture disk on /srv/capture: an empty one here. */
async function _emptyDisk(): Promise<string> {
  const art = await cachedArtifact('empty-ext4', { size: 16 }, async (tmp) => {
    const dir = `${tmp}.tree`;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    try {
      makeExt4(tmp, { fromDir: dir, uuid: '0d6c1f3b-7e2a-4d4e-8f9b-0c5d6e7f8a12', label: 'empty', sizeMiB: 16 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return art.path;
}

export async function startDhcp6Server(opts: { kernel: string; initrd: string; exportDisk: string; port: number; timeoutMs: number }): Promise<ServerVm> {
  const disk = await nfsServerDisk({ root: net6Root(), overlay: join(ROOTS_DIR, 'dhcp6-server') });
  return startServerVm({
    name: 'dhcp6-server', kernel: opts.kernel, initrd: opts.initrd,
    append: 'root=LABEL=nfsserver rw init=/usr/local/sbin/dhcp6-server-init rd.driver.pre=nfsd',
    disks: [{ file: disk, bus: 'virtio-blk' }, { file: opts.exportDisk, bus: 'virtio-blk' }, { file: await _emptyDisk(), bus: 'virtio-blk' }],
    mac: SERVER_MAC, port: opts.port, ready: READY, failed: /NFS-SERVER: FAILED/, timeoutMs: opts.timeoutMs,
  });
}
