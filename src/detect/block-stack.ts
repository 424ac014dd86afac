// The block devices under a mount, top to bottom: a dm/md device's slaves, a partition's disk, down
// to whole disks, which carry the hardware chain they hang from.
import { DetectError } from '../errors.js';
import type { Host } from '../host/host.js';
import { deviceAncestry } from './device-ancestry.js';
import type { BlockKind, BlockNode } from './host-facts.js';
import { basename, isRealDirectory, parentDir, readAttr } from './sysfs-attrs.js';

const _MAX_DEPTH = 16; // dm on md on dm ... deeper than this is a loop, not a real stack

/** The stack under the block device MAJ:MIN, from /sys/dev/block. */
export function blockStackOf(host: Host, majMin: string): BlockNode {
  const link = `/sys/dev/block/${majMin}`;
  const sysPath = host.realpath(link);
  if (sysPath === link || !isRealDirectory(host, sysPath))
    throw new DetectError(`${link}: no such block device in sysfs (mount sysfs on /sys, or pass --sysfs DIR)`, link);
  return _node(host, sysPath, 0);
}

/** The sysfs name of a block device, mapped to its /dev name ("cciss!c0d0" is /dev/cciss/c0d0). */
export function devNodeName(name: string): string {
  return name.replaceAll('!', '/');
}

/** All nodes of a stack, top first. */
export function stackNodes(top: BlockNode): BlockNode[] {
  return [top, ...top.slaves.flatMap(stackNodes)];
}

function _node(host: Host, sysPath: string, depth: number): BlockNode {
  if (depth > _MAX_DEPTH) throw new DetectError(`${sysPath}: block device stack deeper than ${_MAX_DEPTH}`, sysPath);
  const name = basename(sysPath);
  const majMin = readAttr(host, `${sysPath}/dev`);
  if (majMin === undefined) throw new DetectError(`${sysPath}/dev: missing, not a block device in sysfs`, sysPath);
  const node: BlockNode = { name, majMin, kind: 'disk', sysPath, slaves: [] };

  const partition = readAttr(host, `${sysPath}/partition`);
  if (partition !== undefined) {
    node.kind = 'partition';
    node.partition = Number(partition);
    node.slaves = [_node(host, parentDir(sysPath), depth + 1)];
    return node;
  }
  const dmUuid = readAttr(host, `${sysPath}/dm/uuid`);
  const dmName = readAttr(host, `${sysPath}/dm/name`);
  if (dmUuid !== undefined) node.dmUuid = dmUuid;
  if (dmName !== undefined) node.dmName = dmName;
  const mdLevel = readAttr(host, `${sysPath}/md/level`);
  if (mdLevel !== undefined) node.mdLevel = mdLevel;
  const mdUuid = readAttr(host, `${sysPath}/md/uuid`);
  if (mdUuid !== undefined) node.mdUuid = mdUuid;
  node.kind = _kind(dmUuid, dmName, mdLevel);

  node.slaves = host
    .readdir(`${sysPath}/slaves`)
    .map((slave) => _node(host, host.realpath(`${sysPath}/slaves/${slave}`), depth + 1));
  if (node.slaves.length === 0 && node.kind === 'disk') node.hardware = deviceAncestry(host, sysPath);
  return node;
}

function _kind(dmUuid: string | undefined, dmName: string | undefined, mdLevel: string | undefined): BlockKind {
  if (mdLevel !== undefined) return 'md';
  if (dmUuid?.startsWith('CRYPT-')) return 'dm-crypt';
  if (dmUuid?.startsWith('LVM-')) return 'dm-lvm';
  if (dmUuid !== undefined || dmName !== undefined) return 'dm-other';
  return 'disk';
}
