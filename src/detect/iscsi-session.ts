// Host-only: is a disk under the root an iSCSI LUN? The kernel puts a logged-in LUN's disk below its
// session: /sys/devices/platform/host6/session1/target6:0:0/6:0:0:1/block/sda, with the session's
// attributes in session1/iscsi_session/session1 (targetname, tpgt, username, …) and the portal in
// session1/connection1:0/iscsi_connection/connection1:0 (persistent_address, persistent_port).
// The CHAP secrets the kernel also shows there are never read: an image must not carry them.
import type { Host } from '../host/host.js';
import type { BlockNode } from './host-facts.js';
import { readAttr } from './sysfs-attrs.js';

export interface IscsiSessionFact {
  /** "session1" */
  session: string;
  disk: string;
  targetName: string;
  /** Target portal group tag. */
  tpgt: number;
  /** The portal the session was opened to (persistent_address: the one it reconnects to). */
  address: string;
  port: number;
  lun: number;
  /** /etc/iscsi/initiatorname.iscsi of the sysroot, else the name the session logged in with. */
  initiatorName?: string;
  /** The target asks for CHAP (a user name is set); mutual: the target proves itself too. */
  chap: boolean;
  mutualChap: boolean;
}

/** The iSCSI sessions of the disks at the bottom of a block stack (none: not an iSCSI root). */
export function iscsiSessionsOf(host: Host, top: BlockNode): IscsiSessionFact[] {
  const found: IscsiSessionFact[] = [];
  const visit = (node: BlockNode): void => {
    if (node.kind === 'disk') {
      const s = iscsiSessionOfDisk(host, node.sysPath, node.name);
      if (s && !found.some((f) => f.session === s.session && f.lun === s.lun)) found.push(s);
    }
    for (const slave of node.slaves) visit(slave);
  };
  visit(top);
  return found;
}

/** The session a disk's sysfs path runs through, read from sysfs (undefined: not an iSCSI disk). */
export function iscsiSessionOfDisk(host: Host, diskSysPath: string, disk: string): IscsiSessionFact | undefined {
  const parts = diskSysPath.split('/');
  const at = parts.findIndex((p, i) => /^session\d+$/.test(p) && host.exists(`${parts.slice(0, i + 1).join('/')}/iscsi_session/${p}`));
  if (at < 0) return undefined;
  const session = parts[at] as string;
  const dir = parts.slice(0, at + 1).join('/');
  const attrs = `${dir}/iscsi_session/${session}`;
  const hctl = parts.slice(at + 1).find((p) => /^\d+:\d+:\d+:\d+$/.test(p));
  const targetName = readAttr(host, `${attrs}/targetname`);
  const conn = host.readdir(dir).find((n) => /^connection\d+:\d+$/.test(n));
  const cattrs = conn ? `${dir}/${conn}/iscsi_connection/${conn}` : undefined;
  const address = cattrs ? (_set(readAttr(host, `${cattrs}/persistent_address`)) ?? _set(readAttr(host, `${cattrs}/address`))) : undefined;
  const port = cattrs ? Number(_set(readAttr(host, `${cattrs}/persistent_port`)) ?? _set(readAttr(host, `${cattrs}/port`))) : NaN;
  if (targetName === undefined || address === undefined || !Number.isInteger(port) || hctl === undefined) return undefined;
  const fact: IscsiSessionFact = {
    session,
    disk,
    targetName,
    tpgt: Number(readAttr(host, `${attrs}/tpgt`) ?? '1') || 1,
    address,
    port,
    lun: Number(hctl.split(':')[3]),
    chap: _set(readAttr(host, `${attrs}/username`)) !== undefined,
    mutualChap: _set(readAttr(host, `${attrs}/username_in`)) !== undefined,
  };
  const initiator = _initiatorFile(host) ?? _set(readAttr(host, `${attrs}/initiatorname`));
  if (initiator !== undefined) fact.initiatorName = initiator;
  return fact;
}

/** netroot=iscsi:SERVER::PORT:LUN:TARGET (an IPv6 server in brackets; never the CHAP secrets). */
export function netrootOf(s: IscsiSessionFact): string {
  const server = s.address.includes(':') ? `[${s.address}]` : s.address;
  return `netroot=iscsi:${server}::${s.port}:${s.lun}:${s.targetName}`;
}

/** InitiatorName= of the sysroot's /etc/iscsi/initiatorname.iscsi (open-iscsi's own name for this host). */
function _initiatorFile(host: Host): string | undefined {
  const text = host.tryReadText('/etc/iscsi/initiatorname.iscsi');
  const m = text?.match(/^InitiatorName=(\S+)\s*$/m);
  return m?.[1];
}

/** The kernel writes "(null)" for an attribute that was never set. */
function _set(v: string | undefined): string | undefined {
  return v === undefined || v === '' || v === '(null)' ? undefined : v;
}
