// Host-only detection of an iSCSI root, on a sysfs tree with the paths and attribute values of a real
// session (test/support/iscsi-sysfs.ts, dumped from a guest of test/boot/iscsi-boot.test.ts). Detection
// finds the session under the root disk, and host-only embeds netroot=/rd.iscsi.* with the iscsi
// feature, never the CHAP secret.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureHost } from '../../../src/detect/capture.js';
import { detectHost } from '../../../src/detect/detect-host.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { iscsiSessionOfDisk, netrootOf } from '../../../src/detect/iscsi-session.js';
import { hostOnlyInputsFromFacts } from '../../../src/hostonly/host-only-inputs.js';
import { iscsiSessionTree } from '../../support/iscsi-sysfs.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { fakeModuleSource } from '../hostonly/fake-module-source.js';
import { ext4Image } from './identity/superblock-bytes.js';
import { baseMachine } from './machines.js';

const FS_UUID = '5b0c7e2a-9d41-4f63-8a1e-2c3d4e5f6a71';
const TARGET = 'iqn.2026-12.org.mkinitramfs-ts:chap';
const SECRET = 'Guest-Secret-42';

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

/** The captured session (test/support/iscsi-sysfs.ts) with / on its sda. */
function iscsiMachine(t: SysfsTree, opts: { chap?: boolean; mutual?: boolean; address?: string } = {}): string {
  const sda = iscsiSessionTree(t, {
    target: TARGET, initiator: 'iqn.2026-12.org.mkinitramfs-ts:guest', address: opts.address ?? '10.0.2.2', port: 20260,
    ...(opts.chap ? { chap: { user: 'guest', pass: SECRET } } : {}),
    ...(opts.mutual ? { mutual: { user: 'target', pass: 'Target-Secret-7' } } : {}),
  });
  baseMachine(t, '26 1 8:0 / / rw,relatime - ext4 /dev/sda rw');
  t.file('/dev/sda', ext4Image({ uuid: FS_UUID, label: 'iscsiroot' }));
  return sda;
}

describe('iSCSI root detection', () => {
  it('finds the session, portal, LUN and initiator of the root disk (the captured open-iscsi session)', () => {
    iscsiMachine(tree, { chap: true });
    const facts = detectHost(tree.host());
    expect(facts.iscsi).toEqual([
      { session: 'session1', disk: 'sda', targetName: TARGET, tpgt: 1, address: '10.0.2.2', port: 20260, lun: 1, initiatorName: 'iqn.2026-12.org.mkinitramfs-ts:guest', chap: true, mutualChap: false },
    ]);
    // the secret is never read into the facts (which the image keeps in host.json)
    expect(JSON.stringify(facts)).not.toContain(SECRET);
  });

  it("the sysroot's /etc/iscsi/initiatorname.iscsi names the initiator; an IPv6 portal is bracketed in netroot=", () => {
    const sda = iscsiMachine(tree, { address: 'fd00::2' });
    tree.file('/etc/iscsi/initiatorname.iscsi', '## DO NOT EDIT\nInitiatorName=iqn.1993-08.org.debian:01:abcdef012345\n');
    const s = iscsiSessionOfDisk(tree.host(), sda, 'sda');
    expect(s).toMatchObject({ initiatorName: 'iqn.1993-08.org.debian:01:abcdef012345', address: 'fd00::2', chap: false });
    expect(netrootOf(s!)).toBe(`netroot=iscsi:[fd00::2]::20260:1:${TARGET}`);
  });

  it('capture keeps what iSCSI detection reads (and never the CHAP secret): the capture gives the same facts', () => {
    iscsiMachine(tree, { chap: true });
    const live = detectHost(tree.host());
    const out = SysfsTree.create('iscsi-capture-');
    try {
      const dir = join(out.root, 'cap');
      captureHost(tree.host(), dir);
      // the capture is read with the build machine's / as the sysroot, whose initiatorname.iscsi (if any) names the initiator
      const again = detectHost(new FsHost({ root: '/', sysfs: join(dir, 'sys'), procfs: join(dir, 'proc') }));
      const sansInitiator = (f: typeof live): unknown => f.iscsi?.map(({ initiatorName: _, ...rest }) => rest);
      expect(again.iscsi).toHaveLength(1);
      expect(sansInitiator(again)).toEqual(sansInitiator(live));
      expect(again.network).toEqual(live.network);
      expect(live.network?.route.iface).toBeDefined();
      expect(existsSync(join(dir, 'sys/devices/platform/host6/session1/iscsi_session/session1/targetname'))).toBe(true);
      expect(existsSync(join(dir, 'sys/devices/platform/host6/session1/iscsi_session/session1/password'))).toBe(false);
    } finally {
      out.cleanup();
    }
  });

  it('a disk not under a session is no iSCSI disk', () => {
    tree.device('/sys/devices/pci0000:00/0000:00:04.0/virtio2', { modalias: 'virtio:d00000002v00001AF4' });
    const vda = tree.blockDisk('/sys/devices/pci0000:00/0000:00:04.0/virtio2', 'vda', '254:0');
    // a directory named like a session without iscsi_session/ inside is not one
    expect(iscsiSessionOfDisk(tree.host(), vda, 'vda')).toBeUndefined();
    baseMachine(tree, '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw');
    tree.file('/dev/vda', ext4Image({ uuid: FS_UUID, label: 'root' }));
    expect(detectHost(tree.host())).not.toHaveProperty('iscsi');
  });

  it('host-only: the iscsi feature, iscsi_tcp required, sd_mod by the LUN modalias, netroot= and rd.iscsi.initiator=; CHAP secrets not embedded but warned about', () => {
    iscsiMachine(tree, { chap: true, mutual: true });
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());
    expect(inputs.features).toEqual(['iscsi']);
    expect(inputs.cmdline).toBe(`root=UUID=${FS_UUID} rootfstype=ext4 netroot=iscsi:10.0.2.2::20260:1:${TARGET} rd.iscsi.initiator=iqn.2026-12.org.mkinitramfs-ts:guest`);
    expect(inputs.modules.filter((m) => m.name === 'iscsi_tcp')).toEqual([{ name: 'iscsi_tcp', why: `iSCSI session session1 to ${TARGET} at 10.0.2.2:20260 ← disk sda`, optional: false }]);
    expect(inputs.modules.map((m) => m.name)).toContain('sd_mod');
    // the interface of the route to the portal: virtio_net and its PCI transport
    const viaRoute = inputs.modules.filter((m) => m.why.includes(`← root server 10.0.2.2 (netroot=iscsi:10.0.2.2::20260:1:${TARGET})`));
    expect(viaRoute.map((m) => `${m.name} ${m.why.split(' ')[0]} ${m.optional}`)).toEqual([
      'virtio_net modalias true', 'virtio_net driver true', 'virtio_pci modalias true', 'virtio_pci driver true', 'af_packet packet true',
    ]);
    expect(viaRoute[0]?.why).toMatch(/^modalias virtio:d00000001v00001AF4 of \/sys\/devices\/pci0000:00\/0000:00:01\.0\/virtio0 ← eth0 ← route /);
    expect(inputs.warnings).toEqual([
      `the root's iSCSI target ${TARGET} uses mutual CHAP: the image does not carry the secrets; add rd.iscsi.username= and rd.iscsi.password= (and rd.iscsi.in.username=, rd.iscsi.in.password=) to the kernel command line`,
    ]);
    expect(JSON.stringify(inputs)).not.toContain(SECRET);
    expect(JSON.stringify(inputs)).not.toContain('Target-Secret-7');
  });
});
