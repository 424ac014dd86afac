// The root's server and the route to it, found once by detectHost (HostFacts.network) and used by the
// host-only inputs and the pipeline: NFS from mountinfo, NBD (and iSCSI) from the command line. A
// capture (the facts, or host.json) keeps the card even where the routing table is no longer there.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectHost } from '../../../src/detect/detect-host.js';
import { networkRootServer } from '../../../src/detect/network-root.js';
import { hostOnlyInputsFromFacts } from '../../../src/hostonly/host-only-inputs.js';
import { hostOnlyNetwork } from '../../../src/hostonly/network-inputs.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { fakeModuleSource } from '../hostonly/fake-module-source.js';
import { baseMachine, twoNicMachine } from './machines.js';

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

/** / on /dev/nbd0, booted with root=nbd:SERVER. */
function nbdMachine(server: string): void {
  twoNicMachine(tree);
  tree.blockDisk('/sys/devices/virtual/block', 'nbd0', '43:0', { blockDir: false });
  baseMachine(tree, '26 1 43:0 / / rw,relatime - ext4 /dev/nbd0 rw');
  tree.file('/proc/cmdline', `BOOT_IMAGE=/vmlinuz root=nbd:${server}:10809 ro quiet\n`);
}

describe('networkRootServer', () => {
  it('reads NFS roots (root=nfs:, root=nfs4:, root=/dev/nfs nfsroot=) and iSCSI portals (netroot=iscsi:) as well as NBD', () => {
    expect(networkRootServer('root=nfs:10.0.3.1:/srv/root:vers=3')).toEqual({ server: '10.0.3.1', from: 'root=nfs:10.0.3.1:/srv/root:vers=3' });
    expect(networkRootServer('root=nfs4:[2001:db8::1]:/export/root')?.server).toBe('2001:db8::1');
    expect(networkRootServer('root=/dev/nfs nfsroot=192.168.1.5:/srv/nfs ip=dhcp')).toEqual({ server: '192.168.1.5', from: 'nfsroot=192.168.1.5:/srv/nfs' });
    expect(networkRootServer('nfsroot=192.168.1.5:/srv/nfs root=/dev/vda1')).toBeUndefined();
    expect(networkRootServer('root=/dev/sda1 netroot=iscsi:user:p@ss:in:inp@10.0.0.9::3260:1:iqn.2026-12.test:root')).toEqual({
      server: '10.0.0.9', from: 'netroot=iscsi:user:p@ss:in:inp@10.0.0.9::3260:1:iqn.2026-12.test:root',
    });
    expect(networkRootServer('netroot=iscsi:[fd00::9]::3260::iqn.2026-12.test:root')?.server).toBe('fd00::9');
    expect(networkRootServer('ip=dhcp netroot=nbd:10.0.2.2:10811 root=UUID=1c2d3e4f-5061-4728-8394-a5b6c7d8e9f0')).toEqual({ server: '10.0.2.2', from: 'netroot=nbd:10.0.2.2:10811' });
  });
});

describe('HostFacts.network', () => {
  it('an NBD root: the route to root=nbd:SERVER is found when the facts are taken, and its card drives the host-only inputs', () => {
    nbdMachine('192.168.2.7');
    const facts = detectHost(tree.host());
    expect(facts.network?.from).toBe('root=nbd:192.168.2.7:10809:ext4');
    expect(facts.network?.route.route).toBe('192.168.2.0/24 dev eth1');
    expect(facts.network?.route.links.map((l) => [l.iface, l.mac])).toEqual([['eth1', '52:54:00:0f:00:03']]);
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);
    const inputs = hostOnlyInputsFromFacts(facts, fakeModuleSource());
    expect(inputs.modules.find((m) => m.name === 'e1000e')?.why).toMatch(/← eth1 ← route 192\.168\.2\.0\/24 dev eth1 ← root server 192\.168\.2\.7 \(root=nbd:192\.168\.2\.7:10809:ext4\)$/);
    expect(inputs.modules.some((m) => m.name === 'virtio_net')).toBe(false);
    expect(inputs.modules.some((m) => m.name === 'af_packet')).toBe(true);
  });

  it('a capture keeps the card: the pipeline takes the facts\' route, not the routing table of where it builds', () => {
    twoNicMachine(tree);
    baseMachine(tree, '50 1 0:52 / / rw - nfs 10.0.0.1:/srv/root rw,vers=3,proto=tcp,addr=10.0.0.1');
    const facts = detectHost(tree.host());
    // the build runs where no route reaches 10.0.0.1 (a capture without the table, another machine)
    tree.file('/proc/net/route', 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n');
    const n = hostOnlyNetwork(tree.host(), fakeModuleSource(), ['root=nfs:10.0.0.1:/srv/root:vers=3,proto=tcp', ''], facts);
    expect(n.route.links.map((l) => l.iface)).toEqual(['eth0']);
    expect(n.target).toBe('root server 10.0.0.1 (root=nfs:10.0.0.1:/srv/root:vers=3,proto=tcp)');
    // its modules are already among the host-only inputs
    expect(n.modules).toEqual([]);
    // a different server named by the image's own command line is looked up on this host
    expect(() => hostOnlyNetwork(tree.host(), fakeModuleSource(), ['root=nbd:10.9.9.9:10809'], facts)).toThrow(/no route to the root server 10\.9\.9\.9 in \/proc\/net\/route/);
  });

  it('an NFS root on the command line alone (no facts) is routed to its server, not to the default route', () => {
    twoNicMachine(tree);
    const n = hostOnlyNetwork(tree.host(), fakeModuleSource(), ['root=nfs:10.0.0.1:/srv/root', '']);
    expect(n.route.route).toBe('10.0.0.0/24 dev eth0');
    expect([...new Set(n.modules.map((m) => m.name))]).toEqual(['virtio_net', 'virtio_pci', 'af_packet']);
  });
});
