// UUID, LABEL, PARTUUID... of every device in a block stack. Sources, first that applies:
//  1. a capture's blkid.tab (CAPTURED_BLKID_TAB): authoritative, this is not the captured machine's /dev;
//  2. the superblocks, read through /dev/NAME (and the disk's partition table for a partition);
//  3. udev's database, /run/udev/data/b<MAJ:MIN>;
//  4. the system blkid cache, /run/blkid/blkid.tab.
import type { Host, RandomAccessFile } from '../../host/host.js';
import { devNodeName } from '../block-stack.js';
import type { BlockIdentity, BlockNode } from '../host-facts.js';
import { readAttr } from '../sysfs-attrs.js';
import { identityFromBlkid, parseBlkidTab, type BlkidEntry } from './blkid-tab.js';
import { readPartitionTable } from './partition-table.js';
import type { ReadAt } from './read-at.js';
import { probeSuperblock } from './superblock.js';
import { identityFromUdev, parseUdevData, udevDataPath } from './udev-data.js';

/** Where a capture keeps what it read from /dev: inside the captured sysfs, a name no kernel uses. */
export const CAPTURED_BLKID_TAB = '/sys/.mkinitramfs-ts/blkid.tab';
const _SYSTEM_BLKID_TAB = '/run/blkid/blkid.tab';

/** The stack with `identity` filled in on every node that has one (a new tree; the input is not changed). */
export function withIdentities(host: Host, top: BlockNode): BlockNode {
  const captured = _blkidEntries(host, CAPTURED_BLKID_TAB);
  const probeOne = (node: BlockNode): BlockIdentity | undefined =>
    captured !== undefined ? _fromCapture(captured, node) : _probeLive(host, node);
  const visit = (node: BlockNode): BlockNode => {
    const out: BlockNode = { ...node, slaves: node.slaves.map(visit) };
    const identity = probeOne(node);
    if (identity !== undefined) out.identity = identity;
    if (out.kind === 'md' && out.mdUuid === undefined && identity?.mdUuid !== undefined) out.mdUuid = identity.mdUuid;
    return out;
  };
  return visit(top);
}

function _fromCapture(entries: BlkidEntry[], node: BlockNode): BlockIdentity | undefined {
  const entry = entries.find((e) => e.majMin === node.majMin);
  return entry === undefined ? undefined : identityFromBlkid(entry, 'superblock');
}

function _probeLive(host: Host, node: BlockNode): BlockIdentity | undefined {
  const fromDevice = _fromDevice(host, node);
  if (fromDevice !== 'unreadable') return fromDevice;
  const udev = host.tryReadText(udevDataPath(node.majMin));
  if (udev !== undefined) return identityFromUdev(parseUdevData(udev));
  const cache = _blkidEntries(host, _SYSTEM_BLKID_TAB);
  const entry = cache?.find((e) => e.majMin === node.majMin || e.devName === `/dev/${devNodeName(node.name)}`);
  return entry === undefined ? undefined : identityFromBlkid(entry, 'blkid-cache');
}

function _fromDevice(host: Host, node: BlockNode): BlockIdentity | undefined | 'unreadable' {
  const id: BlockIdentity = { source: 'superblock' };
  const read = _withDevice(host, node, (readAt, size) => {
    Object.assign(id, probeSuperblock(readAt, size));
    if (node.kind === 'disk') {
      const table = readPartitionTable(readAt, _sectorSize(host, node), size);
      if (table !== undefined) Object.assign(id, { ptType: table.type, ptUuid: table.id });
    }
  });
  if (read === 'unreadable') return 'unreadable';
  const disk = node.slaves[0];
  if (node.kind === 'partition' && node.partition !== undefined && disk !== undefined) {
    _withDevice(host, disk, (readAt, size) => {
      const entry = readPartitionTable(readAt, _sectorSize(host, disk), size)?.partition(node.partition as number);
      if (entry !== undefined) id.partUuid = entry.uuid;
      if (entry?.label !== undefined) id.partLabel = entry.label;
    });
  }
  return Object.keys(id).length > 1 ? id : undefined;
}

/** Run `use` over /dev/NAME; 'unreadable' when it cannot be opened or yields no bytes. */
function _withDevice(host: Host, node: BlockNode, use: (read: ReadAt, size: number) => void): 'unreadable' | 'read' {
  let file: RandomAccessFile;
  try {
    file = host.open(`/dev/${devNodeName(node.name)}`);
  } catch {
    return 'unreadable';
  }
  try {
    const read: ReadAt = (offset, length) => file.read(offset, length);
    if (read(0, 512).length === 0) return 'unreadable'; // e.g. a block device whose stat size is 0
    const sectors = Number(readAttr(host, `${node.sysPath}/size`) ?? 0);
    use(read, file.size > 0 ? file.size : sectors * 512);
    return 'read';
  } finally {
    file.close();
  }
}

function _sectorSize(host: Host, disk: BlockNode): number {
  const size = Number(readAttr(host, `${disk.sysPath}/queue/logical_block_size`) ?? 512);
  return Number.isInteger(size) && size >= 512 ? size : 512;
}

function _blkidEntries(host: Host, path: string): BlkidEntry[] | undefined {
  const text = host.tryReadText(path);
  return text === undefined ? undefined : parseBlkidTab(text);
}
