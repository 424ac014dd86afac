// The network plan note (--dry-run, explain): the card and route of a host-only image, or the generic
// list; the ip= and root= the image embeds, or that they come at boot.
import { describe, expect, it } from 'vitest';
import { networkPlanNote } from '../../../src/assemble/network-plan.js';
import type { HostOnlyNetwork } from '../../../src/hostonly/network-inputs.js';

const HOST_ONLY: HostOnlyNetwork = {
  target: 'root server 10.0.2.2 (root=nbd:10.0.2.2:10809)',
  modules: [],
  route: {
    server: '10.0.2.2', iface: 'br0', route: 'default via 10.0.2.2 dev br0',
    links: [
      { iface: 'br0', kind: 'bridge', module: 'bridge', hardware: [], above: '' },
      { iface: 'eth0', kind: 'nic', hardware: [{ sysPath: '/sys/devices/pci0000:00/0000:00:03.0/virtio2', driver: 'virtio_net', driverModule: 'virtio_net' }, { sysPath: '/sys/devices/pci0000:00/0000:00:03.0', driver: 'virtio-pci', driverModule: 'virtio_pci' }], above: 'br0' },
    ],
  },
};

describe('networkPlanNote', () => {
  it('none without the network feature', () => {
    expect(networkPlanNote(false, 'ip=dhcp')).toBeUndefined();
  });

  it('generic: the driver list; ip= and root= from the embedded command line, the last root= winning', () => {
    expect(networkPlanNote(true, 'root=/dev/vda ip=eth0:dhcp root=nbd:10.0.2.2:10809')?.text).toBe('generic: the common NIC drivers the kernel has (feature network); ip=eth0:dhcp; root=nbd:10.0.2.2:10809');
    expect(networkPlanNote(true, '')?.text).toBe('generic: the common NIC drivers the kernel has (feature network); ip= from the boot command line (ip=dhcp when none); root= from the boot command line');
  });

  it('host-only: the card with its drivers, what it is under, the route and the server', () => {
    expect(networkPlanNote(true, 'root=nbd:10.0.2.2:10809', HOST_ONLY)?.text).toBe(
      'host-only: card eth0 (virtio_net, virtio_pci) under br0 (bridge) on route default via 10.0.2.2 dev br0 to root server 10.0.2.2 (root=nbd:10.0.2.2:10809); ip= from the boot command line (ip=dhcp when none); root=nbd:10.0.2.2:10809',
    );
  });
});
