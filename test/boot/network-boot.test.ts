// Network roots under QEMU: qemu-nbd serves the systemd root disk on this machine's loopback, the guest
// reaches it through QEMU's user network (the host is 10.0.2.2 there, which also hands out the DHCP
// lease), and the generic image with the network and nbd features boots into systemd with
// `ip=dhcp root=nbd:10.0.2.2:PORT`, or with ifname= and a static ip=. A server where nothing listens ends in the failure report, which
// names the links, addresses and routes, within the timeout; so do no DHCP answer, no network card, and
// rd.neednet=1 with a local root but no network card. Traffic stays on this machine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { systemdRootDisk } from '../support/disks.js';
import { kernelImage, kver, netSysroot } from '../support/fixtures.js';
import { freePort, serveNbd, type NbdServer } from '../support/nbd-server.js';
import { bootVm, markerMs } from '../support/qemu.js';

const BOOT_TIMEOUT = 300_000;
const ROOT_UUID = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4e21';
const NIC = ['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0'];
let image = '';
let rootDisk = '';
let server: NbdServer | undefined;
let port = 0;

beforeAll(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-')), 'net.img');
  runCli(['build', '--sysroot', netSysroot(), '--kver', kver(), '-o', out, '-N', '-a', 'network,nbd', '--compress', 'zstd']);
  image = out;
  rootDisk = await systemdRootDisk({ uuid: ROOT_UUID, label: 'nbdroot' });
  server = await serveNbd(rootDisk);
  port = server.port;
}, 300_000);

afterAll(() => {
  server?.stop();
});

describe('network roots', () => {
  it('ip=dhcp root=nbd:10.0.2.2:PORT boots the systemd root over NBD', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `ip=dhcp root=nbd:10.0.2.2:${port}`, extraArgs: NIC,
      until: [/MARKER:systemd multi-user reached/], watch: [/network: eth0 10\.0\.2\.15/, /nbd: \/dev\/nbd0 is/],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/network: eth0 10\.0\.2\.15\/24 via 10\.0\.2\.2 \(DHCP from 10\.0\.2\.2/);
    expect(r.log).toMatch(new RegExp(`nbd: /dev/nbd0 is 10\\.0\\.2\\.2:${port}`));
    expect(r.log).toMatch(/handing over to systemd/);
    console.log(`nbd boot: lease at ${markerMs(r, /network: eth0 10\.0\.2\.15/)} ms, nbd attached at ${markerMs(r, /nbd: \/dev\/nbd0 is/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 30_000);

  it('ifname= renames the NIC by its MAC and a static ip= on it reaches the NBD root', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image,
      append: `ifname=lan0:52:54:00:AB:CD:EF ip=10.0.2.15::10.0.2.2:255.255.255.0:nbdhost:lan0:none root=nbd:10.0.2.2:${port}`,
      extraArgs: ['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0,mac=52:54:00:ab:cd:ef'],
      until: [/MARKER:systemd multi-user reached/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/network: eth0 is now lan0 \(ifname=lan0:52:54:00:AB:CD:EF\)/);
    expect(r.log).toMatch(/network: lan0 10\.0\.2\.15\/24 via 10\.0\.2\.2 \(static\)/);
    expect(r.log).not.toMatch(/udhcpc/);
  }, BOOT_TIMEOUT + 30_000);

  it('a server where nothing listens ends in the failure report naming links, addresses and routes (rd.shell=0)', async () => {
    const closed = await freePort();
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `ip=dhcp root=nbd:10.0.2.2:${closed} rd.timeout=20 rd.shell=0`, extraArgs: NIC,
      until: [new RegExp(`cannot boot: nbd: no NBD root from 10\\.0\\.2\\.2:${closed} after 20s`), /rd\.shell=0: rebooting/],
      failOn: [/MARKER:systemd/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/network \(links, addresses, routes, DNS, DHCP leases\):/);
    expect(r.log).toMatch(/lease\.eth0: ip=10\.0\.2\.15\/24/);
    // the NBD timeout hook said it all: no second "no device matched root=" report after it
    expect(r.log).not.toMatch(/cannot boot: no device matched/);
    expect(r.log).toMatch(/link: \d+: eth0: .*UP/);
    expect(r.log).toMatch(/addr: \d+: eth0 +inet 10\.0\.2\.15\/24/);
    expect(r.log).toMatch(/route: default via 10\.0\.2\.2 dev eth0/);
  }, BOOT_TIMEOUT + 30_000);

  it('no DHCP server answering ends in a report naming the interface and the DHCP wait (rd.shell=0)', async () => {
    // a socket network with nobody on its other end: the link is up, nothing answers
    const silent = await freePort();
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `ip=dhcp rd.net.timeout.dhcp=3 root=nbd:10.0.2.2:${port} rd.timeout=10 rd.shell=0`,
      extraArgs: ['-netdev', `socket,id=n0,listen=127.0.0.1:${silent}`, '-device', 'virtio-net-pci,netdev=n0'],
      until: [/cannot boot: network: no interface came up within 10s: eth0: no DHCP lease within 3s \(rd\.net\.timeout\.dhcp=\)/, /rd\.shell=0: rebooting/],
      failOn: [/MARKER:systemd/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/link: \d+: eth0: .*UP/);
  }, BOOT_TIMEOUT + 30_000);

  it('no network card: the wait for root ends naming the network (rd.shell=0)', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `ip=dhcp root=nbd:10.0.2.2:${port} rd.timeout=5 rd.shell=0`,
      until: [/cannot boot: network: no network interface appeared within 5s/, /rd\.shell=0: rebooting/],
      failOn: [/MARKER:systemd/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
  }, BOOT_TIMEOUT + 30_000);

  it('rd.neednet=1 with a local root and no network card stops with the report instead of booting (rd.shell=0)', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `root=UUID=${ROOT_UUID} rd.neednet=1 rd.timeout=5 rd.shell=0`,
      disks: [{ file: rootDisk, bus: 'virtio-blk' }],
      until: [/cannot boot: network: no network interface appeared within 5s/, /rd\.shell=0: rebooting/],
      failOn: [/MARKER:systemd/, /switching root/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/network: the root device is here; waiting for the network \(rd\.neednet=1\)/);
  }, BOOT_TIMEOUT + 30_000);
});
