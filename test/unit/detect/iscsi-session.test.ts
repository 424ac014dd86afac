// Host-only detection of an iSCSI root, on a sysfs tree with the paths and attribute values of a real
// session: the guest of test/boot/iscsi-boot.test.ts logged in (iscsistart, CHAP) to tgt's LUN 1 and
// dumped its /sys at rd.break=pre-pivot (Debian 12 kernel 6.1). Detection finds the session under the
// root disk, and host-only embeds netroot=/rd.iscsi.* with the iscsi feature, never the CHAP secret.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectHost } from '../../../src/detect/detect-host.js';
import { iscsiSessionOfDisk, netrootOf } from '../../../src/detect/iscsi-session.js';
import { hostOnlyInputsFromFacts } from '../../../src/hostonly/host-only-inputs.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { fakeModuleSource } from '../hostonly/fake-module-source.js';
import { ext4Image } from './identity/superblock-bytes.js';
import { baseMachine } from './machines.js';

const FS_UUID = '5b0c7e2a-9d41-4f63-8a1e-2c3d4e5f6a71';
const HOST = '/sys/devices/platform/host6';
const SESSION = `${HOST}/session1`;
const TARGET = 'iqn.2026-12.org.mkinitramfs-ts:chap';
const SECRET = 'Guest-Secret-42';

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

/** The captured session: host6 → session1 (iscsi_session attrs, connection1:0) → target6:0:0 → 6:0:0:1 → sda. */
function iscsiMachine(t: SysfsTree, opts: { chap?: boolean; mutual?: boolean; address?: string } = {}): string {
  t.device(HOST, { subsystem: 'scsi' });
  t.dir(`${HOST}/scsi_host/host6`).dir(`${HOST}/iscsi_host/host6`).file(`${HOST}/iscsi_host/host6/ipaddress`, '10.0.2.15\n');
  t.device(SESSION);
  const attrs = `${SESSION}/iscsi_session/session1`;
  t.file(`${attrs}/targetname`, `${TARGET}\n`)
    .file(`${attrs}/tpgt`, '1\n')
    .file(`${attrs}/initiatorname`, 'iqn.2026-12.org.mkinitramfs-ts:guest\n')
    .file(`${attrs}/state`, 'LOGGED_IN\n')
    .file(`${attrs}/ifacename`, 'default\n')
    .file(`${attrs}/username`, opts.chap ? 'guest\n' : '(null)\n')
    .file(`${attrs}/password`, opts.chap ? `${SECRET}\n` : '(null)\n')
    .file(`${attrs}/username_in`, opts.mutual ? 'target\n' : '(null)\n')
    .file(`${attrs}/password_in`, opts.mutual ? 'Target-Secret-7\n' : '(null)\n')
    .link(`/sys/class/iscsi_session/session1`, attrs);
  const conn = `${SESSION}/connection1:0/iscsi_connection/connection1:0`;
  t.file(`${conn}/address`, `${opts.address ?? '10.0.2.2'}\n`)
    .file(`${conn}/port`, '20260\n')
    .file(`${conn}/persistent_address`, `${opts.address ?? '10.0.2.2'}\n`)
    .file(`${conn}/persistent_port`, '20260\n')
    .file(`${conn}/state`, 'up\n')
    .link('/sys/class/iscsi_connection/connection1:0', conn);
  t.device(`${SESSION}/target6:0:0`, { subsystem: 'scsi' });
  t.device(`${SESSION}/target6:0:0/6:0:0:0`, { modalias: 'scsi:t-0x0c', subsystem: 'scsi' });
  const lun = `${SESSION}/target6:0:0/6:0:0:1`;
  t.device(lun, { modalias: 'scsi:t-0x00', driver: { bus: 'scsi', name: 'sd', module: 'sd_mod' } });
  const sda = t.blockDisk(lun, 'sda', '8:0');
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
    expect(inputs.warnings).toEqual([
      `the root's iSCSI target ${TARGET} uses mutual CHAP: the image does not carry the secrets; add rd.iscsi.username= and rd.iscsi.password= (and rd.iscsi.in.username=, rd.iscsi.in.password=) to the kernel command line`,
    ]);
    expect(JSON.stringify(inputs)).not.toContain(SECRET);
    expect(JSON.stringify(inputs)).not.toContain('Target-Secret-7');
  });
});
