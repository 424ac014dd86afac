// nicForServer: the host's routing table (/proc/net/route, /proc/net/ipv6_route) → the interface →
// the card (its device chain) or, for a bridge, bond or VLAN, their module and the interfaces under
// them. The trees are shaped like this machine's: /sys/class/net/eth0 → ../../devices/pci0000:00/
// 0000:00:03.0/virtio2/net/eth0 with device → ../../../virtio2, and the routing tables as the kernel
// prints them (little-endian hex for IPv4, the header line included).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nicForServer } from '../../../src/detect/nic-for-server.js';
import { DetectError } from '../../../src/errors.js';
import { networkRootServer } from '../../../src/detect/network-root.js';
import { hostOnlyNetwork } from '../../../src/hostonly/network-inputs.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { fakeModuleSource } from '../hostonly/fake-module-source.js';

const PCI = '/sys/devices/pci0000:00';
const ROUTE_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT                                                       \n';
/** One /proc/net/route line (little-endian hex, as the kernel prints it on x86). */
const route4 = (iface: string, dest: string, gw: string, mask: string, flags: number, metric = 0): string => {
  const hex = (ip: string): string => ip.split('.').reverse().map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).join('');
  return `${iface}\t${hex(dest)}\t${hex(gw)}\t${flags.toString(16).padStart(4, '0')}\t0\t0\t${metric}\t${hex(mask)}\t0\t0\t0                                                                               \n`;
};

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

/** A virtio-net card: PCI function SLOT (virtio-pci) → virtioN (virtio_net) → net/IFACE. */
function virtioNic(iface: string, slot: string, n: number): string {
  const pci = `${PCI}/0000:00:${slot}`;
  const virtio = `${pci}/virtio${n}`;
  tree.device(pci, { modalias: 'pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00', driver: { bus: 'pci', name: 'virtio-pci', module: 'virtio_pci' } });
  tree.device(virtio, { modalias: 'virtio:d00000001v00001AF4', driver: { bus: 'virtio', name: 'virtio_net', module: 'virtio_net' } });
  return netdev(`${virtio}/net/${iface}`, iface, { device: virtio });
}

/** An Intel 82574L (e1000e) card on PCI SLOT. */
function e1000eNic(iface: string, slot: string): string {
  const pci = `${PCI}/0000:00:${slot}`;
  tree.device(pci, { modalias: 'pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00', driver: { bus: 'pci', name: 'e1000e', module: 'e1000e' } });
  return netdev(`${pci}/net/${iface}`, iface, { device: pci });
}

function netdev(dir: string, iface: string, o: { device?: string; devtype?: string } = {}): string {
  tree.file(`${dir}/uevent`, `${o.devtype ? `DEVTYPE=${o.devtype}\n` : ''}INTERFACE=${iface}\nIFINDEX=2\n`).file(`${dir}/carrier`, '1\n').link(`/sys/class/net/${iface}`, dir);
  if (o.device) tree.link(`${dir}/device`, o.device);
  return dir;
}

const virtualNet = (iface: string, devtype: string): string => netdev(`/sys/devices/virtual/net/${iface}`, iface, { devtype });

describe('nicForServer', () => {
  it('the default route of this machine (captured) leads to eth0 and its virtio chain', () => {
    virtioNic('eth0', '03.0', 2);
    tree.file('/proc/net/route', `${ROUTE_HEADER}eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0                                                                               \neth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0                                                                               \n`);
    const r = nicForServer(tree.host(), '10.0.2.2');
    expect(r.iface).toBe('eth0');
    expect(r.route).toBe('default via 192.0.2.1 dev eth0');
    expect(r.links.map((l) => [l.iface, l.kind])).toEqual([['eth0', 'nic']]);
    expect(r.links[0]?.hardware.map((a) => a.driverModule)).toEqual(['virtio_net', 'virtio_pci']);
    // on the subnet: the /24, not the default route
    expect(nicForServer(tree.host(), '192.0.2.77').route).toBe('192.0.2.0/24 dev eth0');
  });

  it('the longest prefix wins, then the lowest metric; routes that are down or reject are skipped', () => {
    virtioNic('eth0', '03.0', 2);
    e1000eNic('eth1', '19.0');
    tree.file('/proc/net/route', ROUTE_HEADER + route4('eth0', '0.0.0.0', '10.0.2.2', '0.0.0.0', 3) + route4('eth1', '10.1.0.0', '0.0.0.0', '255.255.0.0', 1, 100) + route4('eth0', '10.1.0.0', '0.0.0.0', '255.255.0.0', 1, 50) + route4('eth0', '10.1.2.0', '0.0.0.0', '255.255.255.0', 0x201) + route4('lo', '10.1.2.3', '0.0.0.0', '255.255.255.255', 1));
    expect(nicForServer(tree.host(), '10.1.2.3').route).toBe('10.1.0.0/16 dev eth0');
    expect(nicForServer(tree.host(), '172.16.0.9').route).toBe('default via 10.0.2.2 dev eth0');
  });

  it('IPv6: /proc/net/ipv6_route, local and lo routes skipped, brackets accepted', () => {
    virtioNic('eth0', '03.0', 2);
    e1000eNic('eth1', '19.0');
    // the first five lines as captured on this machine, then a /64 on eth1
    tree.file(
      '/proc/net/ipv6_route',
      'fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n' +
        'fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0\n' +
        '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n' +
        '00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n' +
        'fd000000000000000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000004 00000000 80200001     eth0\n' +
        '20010db8000000010000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1\n',
    );
    expect(nicForServer(tree.host(), '[2001:db8:0:1::10]').route).toBe('2001:db8:0:1::/64 dev eth1');
    expect(nicForServer(tree.host(), 'fd00::99').iface).toBe('eth0');
    expect(nicForServer(tree.host(), '2606:4700::1111').route).toBe('default via fd00::1 dev eth0');
  });

  it('a bridge over a VLAN over a bond of two cards: every module on the way and both cards', () => {
    e1000eNic('eth0', '19.0');
    virtioNic('eth1', '03.0', 2);
    const bond = virtualNet('bond0', 'bond');
    tree.dir(`${bond}/bonding`).link(`${bond}/lower_eth0`, `${PCI}/0000:00:19.0/net/eth0`).link(`${bond}/lower_eth1`, `${PCI}/0000:00:03.0/virtio2/net/eth1`);
    const vlan = virtualNet('bond0.100', 'vlan');
    tree.link(`${vlan}/lower_bond0`, bond);
    const br = virtualNet('br0', 'bridge');
    tree.dir(`${br}/bridge`).link(`${br}/brif/bond0.100`, `${vlan}/brport`);
    tree.file('/proc/net/route', ROUTE_HEADER + route4('br0', '0.0.0.0', '10.0.0.1', '0.0.0.0', 3));
    const r = nicForServer(tree.host(), '10.9.9.9');
    expect(r.links.map((l) => `${l.iface}:${l.kind}:${l.module ?? ''}<${l.above}`)).toEqual(['br0:bridge:bridge<', 'bond0.100:vlan:8021q<br0', 'bond0:bond:bonding<bond0.100', 'eth0:nic:<bond0', 'eth1:nic:<bond0']);
  });

  it('says what is wrong: no route, a host name, an interface with no card under it', () => {
    tree.file('/proc/net/route', ROUTE_HEADER + route4('tun0', '0.0.0.0', '0.0.0.0', '0.0.0.0', 1));
    virtualNet('tun0', '');
    expect(() => nicForServer(tree.host(), 'nbd.example')).toThrow(/not an IP address/);
    expect(() => nicForServer(tree.host(), '2001:db8::1')).toThrow(/no route to the root server 2001:db8::1 in \/proc\/net\/ipv6_route/);
    expect(() => nicForServer(tree.host(), '10.0.2.2')).toThrow(DetectError);
    const empty = SysfsTree.create();
    try {
      expect(() => nicForServer(empty.host(), '0.0.0.0')).toThrow(/no default route \(and no network root= to look for\) in \/proc\/net\/route/);
    } finally {
      empty.cleanup();
    }
    expect(() => nicForServer(tree.host(), '10.0.2.2')).toThrow(/leaves by tun0, which has no network card under it/);
  });
});

describe('hostOnlyNetwork', () => {
  it('root=nbd: on the command line names the server; the modules carry the chain as their reason', () => {
    virtioNic('eth0', '03.0', 2);
    e1000eNic('eth1', '19.0');
    tree.file('/proc/net/route', ROUTE_HEADER + route4('eth0', '0.0.0.0', '10.0.2.2', '0.0.0.0', 3) + route4('eth1', '10.1.0.0', '0.0.0.0', '255.255.0.0', 1));
    const n = hostOnlyNetwork(tree.host(), fakeModuleSource(), ['quiet', 'root=nbd:10.1.0.5:10809 ro']);
    expect(n.target).toBe('root server 10.1.0.5 (root=nbd:10.1.0.5:10809)');
    expect([...new Set(n.modules.map((m) => m.name))]).toEqual(['e1000e', 'af_packet']);
    expect(n.modules[0]?.why).toBe(`modalias pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00 of ${PCI}/0000:00:19.0 ← eth1 ← route 10.1.0.0/16 dev eth1 ← root server 10.1.0.5 (root=nbd:10.1.0.5:10809)`);
    // no network root on any command line: the card of the default route
    const d = hostOnlyNetwork(tree.host(), fakeModuleSource(), ['root=UUID=1234 rd.neednet=1', '']);
    expect(d.target).toMatch(/^the default route/);
    expect([...new Set(d.modules.map((m) => m.name))]).toEqual(['virtio_net', 'virtio_pci', 'af_packet']);
  });

  it('networkRootServer reads root=nbd:SERVER (IPv6 in brackets), the last root= winning', () => {
    expect(networkRootServer('root=nbd:10.0.2.2:10809:ext4')).toEqual({ server: '10.0.2.2', from: 'root=nbd:10.0.2.2:10809:ext4' });
    expect(networkRootServer('root=nbd:[2001:db8::2]:2000')?.server).toBe('2001:db8::2');
    expect(networkRootServer('root=nbd:1.2.3.4:1 root=nbd:5.6.7.8:2')?.server).toBe('5.6.7.8');
    expect(networkRootServer('root=/dev/vda1 ip=dhcp')).toBeUndefined();
    expect(networkRootServer('root=nbd:1.2.3.4:1 root=/dev/vda1')).toBeUndefined();
  });
});
