// The network and nbd features in the plan of the real sysroot (--dry-run --json): the NIC drivers
// that Debian's kernel has, busybox's ip and udhcpc, the lease script (executable), nbd-client with its
// libraries and the nbd module, each with its reason; and a sysroot without busybox, whose image
// would have no ip or udhcpc, fails the build instead of the boot.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/build-image.js';
import { busyboxlessSysroot } from '../support/busyboxless-sysroot.js';
import { kver, netSysroot } from '../support/fixtures.js';

interface JsonEntry {
  path: string;
  type: string;
  mode?: string;
  target?: string;
  reasons: { why: string }[];
}

let entries = new Map<string, JsonEntry>();
let copy: { root: string; remove: () => void } | undefined;

beforeAll(() => {
  const plan = JSON.parse(runCli(['build', '--sysroot', netSysroot(), '--kver', kver(), '-N', '-a', 'network,nbd', '--dry-run', '--json'])) as { entries: JsonEntry[] };
  entries = new Map(plan.entries.map((e) => [e.path, e]));
}, 120_000);
afterAll(() => copy?.remove());

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
