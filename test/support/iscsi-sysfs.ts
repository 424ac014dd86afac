// The sysfs of a machine whose root is on an iSCSI LUN, with the paths and attribute values of a real
// session: the guest of test/boot/iscsi-boot.test.ts logged in (iscsistart, CHAP) to tgt's LUN 1 and
// dumped its /sys at rd.break=pre-pivot (Debian 12, kernel 6.1):
//   /sys/devices/platform/host6/session1/iscsi_session/session1/{targetname,tpgt,initiatorname,username,…}
//   /sys/devices/platform/host6/session1/connection1:0/iscsi_connection/connection1:0/{persistent_address,…}
//   /sys/devices/platform/host6/session1/target6:0:0/6:0:0:1/block/sda  (modalias scsi:t-0x00, driver sd)
// The kernel shows an unset attribute as "(null)". / is mounted from sda (8:0). The guest's network card,
// virtio-net at 0000:00:01.0 (eth0, up, with the routes of QEMU's user network), and lo are there too.
import type { SysfsTree } from './sysfs-tree.js';

export const ISCSI_HOST = '/sys/devices/platform/host6';
export const ISCSI_SESSION = `${ISCSI_HOST}/session1`;

export interface IscsiSessionSpec {
  target: string;
  initiator: string;
  address: string;
  port: number;
  chap?: { user: string; pass: string };
  mutual?: { user: string; pass: string };
}

/** The session, its connection, LUN 0 (the target's controller) and LUN 1 (disk sda); returns sda's sysfs path. */
export function iscsiSessionTree(t: SysfsTree, s: IscsiSessionSpec): string {
  t.device(ISCSI_HOST, { subsystem: 'scsi' });
  t.dir(`${ISCSI_HOST}/scsi_host/host6`).file(`${ISCSI_HOST}/iscsi_host/host6/ipaddress`, '10.0.2.15\n');
  t.device(ISCSI_SESSION);
  const attrs = `${ISCSI_SESSION}/iscsi_session/session1`;
  t.file(`${attrs}/targetname`, `${s.target}\n`)
    .file(`${attrs}/tpgt`, '1\n')
    .file(`${attrs}/initiatorname`, `${s.initiator}\n`)
    .file(`${attrs}/state`, 'LOGGED_IN\n')
    .file(`${attrs}/ifacename`, 'default\n')
    .file(`${attrs}/username`, `${s.chap?.user ?? '(null)'}\n`)
    .file(`${attrs}/password`, `${s.chap?.pass ?? '(null)'}\n`)
    .file(`${attrs}/username_in`, `${s.mutual?.user ?? '(null)'}\n`)
    .file(`${attrs}/password_in`, `${s.mutual?.pass ?? '(null)'}\n`)
    .link('/sys/class/iscsi_session/session1', attrs);
  const conn = `${ISCSI_SESSION}/connection1:0/iscsi_connection/connection1:0`;
  t.file(`${conn}/address`, `${s.address}\n`)
    .file(`${conn}/port`, `${s.port}\n`)
    .file(`${conn}/persistent_address`, `${s.address}\n`)
    .file(`${conn}/persistent_port`, `${s.port}\n`)
    .file(`${conn}/state`, 'up\n')
    .link('/sys/class/iscsi_connection/connection1:0', conn);
  t.device(`${ISCSI_SESSION}/target6:0:0`, { subsystem: 'scsi' });
  t.device(`${ISCSI_SESSION}/target6:0:0/6:0:0:0`, { modalias: 'scsi:t-0x0c', subsystem: 'scsi' });
  const lun = `${ISCSI_SESSION}/target6:0:0/6:0:0:1`;
  t.device(lun, { modalias: 'scsi:t-0x00', driver: { bus: 'scsi', name: 'sd', module: 'sd_mod' } });
  const pci = '/sys/devices/pci0000:00/0000:00:01.0';
  t.device(pci, { modalias: 'pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00', driver: { bus: 'pci', name: 'virtio-pci', module: 'virtio_pci' } });
  t.device(`${pci}/virtio0`, { modalias: 'virtio:d00000001v00001AF4', driver: { bus: 'virtio', name: 'virtio_net', module: 'virtio_net' } });
  t.link(`${pci}/virtio0/net/eth0/device`, `${pci}/virtio0`).link('/sys/class/net/eth0', `${pci}/virtio0/net/eth0`);
  t.file(`${pci}/virtio0/net/eth0/operstate`, 'up\n').file(`${pci}/virtio0/net/eth0/address`, '52:54:00:12:34:56\n');
  // the guest's routes (QEMU's user network): default via 10.0.2.2, 10.0.2.0/24 on eth0
  t.file('/proc/net/route', [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
    '',
  ].join('\n'));
  t.dir('/sys/devices/virtual/net/lo').link('/sys/class/net/lo', '/sys/devices/virtual/net/lo');
  return t.blockDisk(lun, 'sda', '8:0');
}
