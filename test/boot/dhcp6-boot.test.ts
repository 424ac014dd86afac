// ip=dhcp6 under QEMU, and the sysroot's DHCP clients in a real boot. A server VM (dhcp6-server.ts: the
// NFS server VM with dnsmasq) on a network of its own with the clients sends router advertisements of
// fd00:3::/64 and DHCPv6 leases (DNS fd00:3::53, search dhcp6.test) and exports the systemd root over
// NFS. The client image is a generic one of a Debian 12 sysroot with the nfs, dhclient and dhcpcd
// features: its busybox has no udhcpc6, so ip=dhcp6 runs the sysroot's dhclient -6 by default. Each
// client boots its root over IPv6 (root=nfs4:[fd00:3::1]:/srv/root) into systemd, and the test reads
// the lease, the DNS servers and the kernel's addresses from the booted system (MARKER-NET lines of the
// root's boot-marker). ip=dhcp6 with no server ends in the failure report within rd.timeout. A Debian 13
// image (busybox 1.37 has udhcpc6) gets its lease with udhcpc6 (rd.neednet=1, a local systemd root). The
// DHCPv4 cells boot the same root by root=dhcp with dhclient and dhcpcd (the server's udhcpd).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { DNS_IP6, SERVER_IP6, startDhcp6Server } from '../support/dhcp6-server.js';
import { systemdRootDisk } from '../support/disks.js';
import { kernelImage, kver, net6Sysroot, trixieKernel, trixieRoot } from '../support/fixtures.js';
import { freePort } from '../support/free-port.js';
import { EXPORT } from '../support/nfs-server.js';
import { bootVm, markerMs } from '../support/qemu.js';
import type { ServerVm } from '../support/server-vm.js';

const BOOT_TIMEOUT = 300_000;
const CLIENT_MAC = '52:54:00:0f:00:06';
const ROOT6 = `root=nfs4:[${SERVER_IP6}]:${EXPORT} rw`;
const MOUNTED = /nfs: \S+ mounted on/;
let image = '';
let server: ServerVm | undefined;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-'));
  image = join(dir, 'dhcp6.img');
  runCli(['build', '--sysroot', net6Sysroot(), '--kver', kver(), '-o', image, '-N', '-a', 'nfs,dhclient,dhcpcd', '--compress', 'zstd']);
  const serverImage = join(dir, 'server.img');
  runCli(['build', '--sysroot', net6Sysroot(), '--kver', kver(), '-o', serverImage, '-N', '--add-drivers', 'nfsd', '--add-drivers', 'virtio_net', '--compress', 'zstd']);
  const exportDisk = await systemdRootDisk({ uuid: '7a0e4c2d-5b6f-4a8e-9c1d-2e3f4a5b6c76', label: 'nfsexport', fstab: '# / is on NFS, mounted by the initramfs\n' });
  server = await startDhcp6Server({ kernel: kernelImage(), initrd: serverImage, exportDisk, port: await freePort(), timeoutMs: 240_000 });
}, 900_000);

afterAll(async () => {
  const r = await server?.stop();
  if (r) console.log(`dhcp6 server VM ran ${r.durationMs} ms; ready at ${markerMs(r, /NFS-SERVER: ready/)} ms`);
});

/** Boots the client on the server's network into the systemd root; the booted system's MARKER-NET lines. */
async function bootClient(append: string, name: string): Promise<string> {
  const r = await bootVm({
    kernel: kernelImage(), initrd: image, append, extraArgs: server!.clientNic(CLIENT_MAC),
    until: [/MARKER:systemd multi-user reached/], watch: [MOUNTED], timeoutMs: BOOT_TIMEOUT,
  });
  if (!r.matched) console.log(r.log.slice(-8000), '\n--- server ---\n', server!.log().slice(-3000));
  expect(r.matched).toBe(true);
  console.log(`${name}: root mounted at ${markerMs(r, MOUNTED)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  console.log(r.log.split('\n').filter((l) => /MARKER-NET|network: /.test(l)).join('\n'));
  return r.log;
}

/** The address of a lease line (fd00:3::1xx), in /proc/net/if_inet6's form (32 hex digits). */
function inet6Hex(addr: string): string {
  const [head = '', tail = ''] = addr.split('::');
  const h = head.split(':').filter((g) => g !== '');
  const t = tail.split(':').filter((g) => g !== '');
  return [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t].map((g) => g.padStart(4, '0')).join('');
}

describe('ip=dhcp6', () => {
  it('ip=dhcp6 with the default client (dhclient -6: busybox has no udhcpc6): address, DNS and the NFSv4 root over IPv6', async () => {
    const log = await bootClient(`ip=dhcp6 ${ROOT6}`, 'dhcp6 dhclient');
    expect(log).toMatch(/network: eth0: asking for a DHCPv6 lease with dhclient/);
    const lease = /MARKER-NET: lease6\.eth0: ip=(fd00:3::1[0-9a-f]{2})\/128/.exec(log);
    expect(lease).not.toBeNull();
    expect(log).toMatch(new RegExp(`MARKER-NET: dns6\\.eth0: nameserver ${DNS_IP6}`));
    expect(log).toMatch(/MARKER-NET: lease6\.eth0: search=dhcp6\.test/);
    // the kernel still holds the leased address after switch_root, out of DAD (flags without 0x40/0x08)
    const row = new RegExp(`MARKER-NET: if_inet6: ${inet6Hex(lease![1]!)} \\S+ 80 00 ([0-9a-f]{2})\\s+eth0`).exec(log);
    expect(row).not.toBeNull();
    expect(parseInt(row![1]!, 16) & 0x48).toBe(0);
    expect(log).toMatch(new RegExp(`nfs: \\[?${SERVER_IP6}\\]?:${EXPORT} mounted on /sysroot \\(NFSv4`));
    expect(log).toMatch(new RegExp(`MARKER-STATE: system=\\S+ root=\\[?${SERVER_IP6}\\]?:${EXPORT}\\s+nfs4\\s`));
  }, BOOT_TIMEOUT + 30_000);

  it('ip=eth0:dhcp6 rd.net.dhcp.client=dhcpcd: dhcpcd -6 gets the lease, the root comes over IPv6', async () => {
    const log = await bootClient(`ip=eth0:dhcp6 rd.net.dhcp.client=dhcpcd ${ROOT6}`, 'dhcp6 dhcpcd');
    expect(log).toMatch(/network: eth0: asking for a DHCPv6 lease with dhcpcd/);
    expect(log).toMatch(/MARKER-NET: lease6\.eth0: ip=fd00:3::1[0-9a-f]{2}\/128/);
    expect(log).toMatch(new RegExp(`MARKER-NET: dns6\\.eth0: nameserver ${DNS_IP6}`));
  }, BOOT_TIMEOUT + 30_000);

  it('ip=dhcp6 with no DHCPv6 server: the failure report says so within rd.timeout (rd.shell=0)', async () => {
    // a network of its own that nobody else joins: the link is up, nothing answers
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `ip=dhcp6 ${ROOT6} rd.net.timeout.dhcp=5 rd.timeout=20 rd.shell=0`,
      extraArgs: ['-netdev', `socket,id=n1,listen=127.0.0.1:${await freePort()}`, '-device', `virtio-net-pci,netdev=n1,mac=${CLIENT_MAC}`],
      until: [/rd\.shell=0: rebooting/], failOn: [/MARKER:systemd/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/cannot boot: network: no interface came up within 20s: eth0: no DHCPv6 lease within 5s from dhclient \(rd\.net\.timeout\.dhcp=\)/);
    console.log(`no DHCPv6 server: ${/cannot boot: .*/.exec(r.log)?.[0] ?? ''} (report at ${r.durationMs} ms)`);
  }, BOOT_TIMEOUT + 30_000);
});

describe('ip=dhcp6 with busybox udhcpc6 (Debian 13)', () => {
  it('a Debian 13 image (busybox 1.37 has udhcpc6), rd.neednet=1 with a local systemd root: the lease, its DNS', async () => {
    const k = trixieKernel();
    const trixieImage = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-')), 'trixie-dhcp6.img');
    runCli(['build', '--sysroot', k.sysroot, '--kver', k.kver, '-N', '-a', 'network', '-o', trixieImage]);
    const uuid = '6c1f0000-0000-4000-8000-000000001306';
    const disk = await systemdRootDisk({ uuid, label: 'trixieroot', base: trixieRoot() });
    const r = await bootVm({
      kernel: k.image, initrd: trixieImage, append: `root=UUID=${uuid} ip=dhcp6 rd.neednet=1`, disks: [{ file: disk, bus: 'virtio-blk' }],
      extraArgs: server!.clientNic(CLIENT_MAC), until: [/MARKER:systemd multi-user reached/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-8000), '\n--- server ---\n', server!.log().slice(-3000));
    expect(r.matched).toBe(true);
    console.log(r.log.split('\n').filter((l) => /MARKER-NET|network: /.test(l)).join('\n'));
    expect(r.log).toMatch(/network: eth0: asking for a DHCPv6 lease with udhcpc/);
    // udhcpc6 writes addresses in full: fd00:0003:0000:0000:0000:0000:0000:01xx
    expect(r.log).toMatch(/MARKER-NET: lease6\.eth0: ip=fd00:0003:0000:0000:0000:0000:0000:01[0-9a-f]{2}\/128/);
    expect(r.log).toMatch(/MARKER-NET: dns6\.eth0: nameserver fd00:0003:0000:0000:0000:0000:0000:0053/);
    console.log(`dhcp6 udhcpc6 (Debian 13): multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 120_000);
});

describe("the sysroot's DHCPv4 clients", () => {
  for (const client of ['dhclient', 'dhcpcd'] as const) {
    it(`ip=dhcp root=dhcp rd.net.dhcp.client=${client}: the lease's root-path boots the systemd root`, async () => {
      const log = await bootClient(`ip=dhcp root=dhcp rw rd.net.dhcp.client=${client}`, `dhcp ${client}`);
      expect(log).toMatch(new RegExp(`network: eth0: asking for a DHCP lease with ${client}`));
      expect(log).toMatch(/MARKER-NET: lease\.eth0: ip=10\.0\.3\.1\d\d\/24/);
      expect(log).toMatch(/MARKER-NET: lease\.eth0: server=10\.0\.3\.1\s/);
      expect(log).toMatch(/MARKER-NET: lease\.eth0: rootpath=nfs4:10\.0\.3\.1:\/srv\/root/);
    }, BOOT_TIMEOUT + 30_000);
  }
});
