// The network and nbd features in the plan of the real sysroot (--dry-run --json): the NIC drivers
// that Debian's kernel has, busybox's ip and udhcpc, the lease script (executable), nbd-client with its
// libraries and the nbd module, each with its reason; and a sysroot without busybox, whose image
// would have no ip or udhcpc, fails the build instead of the boot. Host-only (a machine with / on NBD
// and two cards, as an inline /sys and /proc): only the driver of the card on the route to the server,
// none of the generic list, and the one network plan note saying which card and why.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/build-image.js';
import { busyboxlessSysroot } from '../support/busyboxless-sysroot.js';
import { kver, netSysroot, nfsSysroot } from '../support/fixtures.js';
import { SysfsTree } from '../support/sysfs-tree.js';
import { baseMachine, twoNicMachine } from '../unit/detect/machines.js';

interface JsonEntry {
  path: string;
  type: string;
  mode?: string;
  target?: string;
  reasons: { why: string }[];
}

let entries = new Map<string, JsonEntry>();
let copy: { root: string; remove: () => void } | undefined;
/** The network feature's generic NIC list (modules.d/network/module.toml). */
const GENERIC_NICS = ['virtio_net', 'e1000', 'e1000e', 'igb', 'igc', 'ixgbe', 'i40e', 'r8169', 'tg3', 'bnx2x', 'mlx5_core', 'vmxnet3', 'hv_netvsc', 'ena', 'gve'];

beforeAll(() => {
  const plan = JSON.parse(runCli(['build', '--sysroot', netSysroot(), '--kver', kver(), '-N', '-a', 'network,nbd', '--dry-run', '--json'])) as { entries: JsonEntry[] };
  entries = new Map(plan.entries.map((e) => [e.path, e]));
}, 120_000);
afterAll(() => {
  copy?.remove();
  machine?.cleanup();
  nfsMachine?.cleanup();
});
let machine: SysfsTree | undefined;
let nfsMachine: SysfsTree | undefined;

/** The generic NIC drivers in a plan's kernel modules. */
function genericNics(entries: JsonEntry[]): string[] {
  return entries
    .filter((e) => e.path.startsWith(`/usr/lib/modules/${kver()}/kernel/`))
    .map((e) => /\/([^/]+)\.ko(\.\w+)?$/.exec(e.path)?.[1]?.replace(/-/g, '_'))
    .filter((m): m is string => m !== undefined && GENERIC_NICS.includes(m));
}

describe('network and nbd features in a generic plan', () => {
  it('carry the common NIC drivers the kernel has, for feature network', () => {
    const k = kver();
    for (const m of ['virtio_net', 'e1000', 'e1000e', 'igb', 'igc', 'ixgbe', 'i40e', 'r8169', 'tg3', 'vmxnet3', 'hv_netvsc', 'ena', 'gve']) {
      const e = [...entries.values()].find((x) => x.path.startsWith(`/usr/lib/modules/${k}/kernel/`) && x.path.replace(/-/g, '_').endsWith(`/${m}.ko`));
      expect(e, m).toBeDefined();
      expect(e?.reasons.map((r) => r.why).join(' '), m).toMatch(/feature network/);
    }
  });

  it('carry ip, udhcpc, the executable lease script, nbd-client with its libraries, and nbd.ko', () => {
    expect(entries.get('/usr/bin/ip')?.target).toBe('/usr/bin/busybox');
    expect(entries.get('/usr/bin/udhcpc')?.target).toBe('/usr/bin/busybox');
    expect(entries.get('/usr/lib/mkinitramfs-ts/udhcpc.script')?.mode).toBe('0755');
    expect(entries.get('/usr/sbin/nbd-client')?.reasons.map((r) => r.why).join(' ')).toMatch(/feature nbd/);
    expect([...entries.keys()].some((p) => /\/libnl-genl-3\.so\.200/.test(p))).toBe(true);
    expect([...entries.keys()].some((p) => p.endsWith('/drivers/block/nbd.ko'))).toBe(true);
  });

  it('a sysroot without busybox fails the build naming busybox and the network feature', () => {
    copy = busyboxlessSysroot();
    const r = spawnSync(process.execPath, [CLI, 'build', '--sysroot', copy.root, '--kver', kver(), '-N', '-a', 'network', '--dry-run'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/busybox/);
    expect(r.stderr).toMatch(/feature network/);
  }, 120_000);
});

describe('network in a host-only plan', () => {
  it('carries the driver of the card on the route to root=nbd:SERVER, none of the generic NIC list, and says so in the network plan note', () => {
    machine = SysfsTree.create();
    twoNicMachine(machine); // eth0 virtio on 10.0.0.0/24, eth1 e1000e on 192.168.2.0/24 and the default route
    machine.blockDisk('/sys/devices/virtual/block', 'nbd0', '43:0', { blockDir: false });
    baseMachine(machine, '26 1 43:0 / / rw,relatime - ext4 /dev/nbd0 rw');
    machine.file('/proc/cmdline', 'BOOT_IMAGE=/vmlinuz root=nbd:10.0.0.9:10809 ro\n');
    const flags = ['--sysroot', netSysroot(), '--kver', kver(), '-H', '--sysfs', machine.disk('/sys'), '--procfs', machine.disk('/proc'), '-a', 'network,nbd', '--dry-run', '--json'];
    const plan = JSON.parse(runCli(['build', ...flags])) as { entries: JsonEntry[]; notes: { subject: string; text: string }[] };
    expect(genericNics(plan.entries)).toEqual(['virtio_net']);
    const virtio = plan.entries.find((e) => /\/virtio_net\.ko/.test(e.path));
    expect(virtio?.reasons.map((r) => r.why).join(' ')).toMatch(/← eth0 ← route 10\.0\.0\.0\/24 dev eth0 ← root server 10\.0\.0\.9 \(root=nbd:10\.0\.0\.9:10809:ext4\)/);
    expect(virtio?.reasons.map((r) => r.why).join(' ')).not.toMatch(/feature network/);
    const notes = plan.notes.filter((n) => n.subject === 'network plan');
    expect(notes.map((n) => n.text)).toEqual([expect.stringMatching(/^host-only: card eth0 \(virtio_net, virtio_pci\) on route 10\.0\.0\.0\/24 dev eth0 to root server 10\.0\.0\.9 \(root=nbd:10\.0\.0\.9:10809:ext4\)/)]);
  }, 120_000);

  it('an NFS root: the card of the route to its server (eth0), not the default route\'s (eth1, e1000e), and one network plan note', () => {
    nfsMachine = SysfsTree.create();
    twoNicMachine(nfsMachine);
    baseMachine(nfsMachine, '50 1 0:52 / / rw - nfs 10.0.0.1:/srv/root rw,vers=3,proto=tcp,addr=10.0.0.1');
    const flags = ['--sysroot', nfsSysroot(), '--kver', kver(), '-H', '--sysfs', nfsMachine.disk('/sys'), '--procfs', nfsMachine.disk('/proc'), '--dry-run', '--json'];
    const plan = JSON.parse(runCli(['build', ...flags])) as { entries: JsonEntry[]; notes: { subject: string; text: string }[] };
    expect(genericNics(plan.entries)).toEqual(['virtio_net']);
    const notes = plan.notes.filter((n) => n.subject === 'network plan');
    expect(notes.map((n) => n.text)).toEqual([expect.stringMatching(/^host-only: card eth0 \(virtio_net, virtio_pci\) on route 10\.0\.0\.0\/24 dev eth0 to root server 10\.0\.0\.1 \(root=nfs:10\.0\.0\.1:\/srv\/root:vers=3,proto=tcp\)/)]);
  }, 120_000);
});
