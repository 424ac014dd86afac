// Which block device a mount point lives on, from /proc/self/mountinfo and sysfs; for NFS, which server
// and export. Anything else (tmpfs, overlay and friends) leaves host-only detection nothing to find.
import { DetectError, MkError } from '../errors.js';
import type { Host } from '../host/host.js';
import { blockStackOf } from './block-stack.js';
import type { MountedFs } from './host-facts.js';
import { findMount, MountinfoSyntaxError, parseMountinfo, type MountinfoEntry } from './mountinfo.js';
import { isNetworkFs, networkFsOf } from './network-fs.js';
import { readAttr } from './sysfs-attrs.js';

const MOUNTINFO = '/proc/self/mountinfo';

export function readMountTable(host: Host): MountinfoEntry[] {
  let text: string | undefined;
  try {
    text = host.tryReadText(MOUNTINFO);
  } catch (err) {
    const why = err instanceof MkError ? err.message : String(err);
    throw new DetectError(`${MOUNTINFO}: cannot read the mount table (${why}; run as root, or pass --procfs DIR)`, MOUNTINFO);
  }
  if (text === undefined)
    throw new DetectError(`${MOUNTINFO}: not found (mount proc on /proc, or pass --procfs DIR with a captured tree)`, MOUNTINFO);
  try {
    return parseMountinfo(text);
  } catch (err) {
    if (err instanceof MountinfoSyntaxError) throw new DetectError(`${MOUNTINFO}: ${err.message}`, MOUNTINFO);
    throw err;
  }
}

/** The file system mounted at `mountPoint` with its block stack; undefined when nothing is mounted there. */
export function mountedFsAt(host: Host, table: readonly MountinfoEntry[], mountPoint: string): MountedFs | undefined {
  const entry = findMount(table, mountPoint);
  if (entry === undefined) return undefined;
  const { id: _id, parentId: _parent, ...mount } = entry;
  if (isNetworkFs(entry.fstype)) return { ...mount, network: networkFsOf(host, mount) };
  const majMin = _blockMajMin(host, entry);
  if (majMin === undefined)
    throw new DetectError(
      `${MOUNTINFO}: ${mountPoint} is ${entry.fstype} from '${entry.source}', not a block device: ` +
        `host-only cannot find a root device; use --no-hostonly`,
      MOUNTINFO,
    );
  return { ...mount, device: blockStackOf(host, majMin) };
}

/** MAJ:MIN of the block device behind a mount, from mountinfo or (btrfs reports 0:NN) its source. */
function _blockMajMin(host: Host, entry: MountinfoEntry): string | undefined {
  if (!entry.majMin.startsWith('0:') && _isBlockDevice(host, entry.majMin)) return entry.majMin;
  if (!entry.source.startsWith('/dev/')) return undefined;
  const rest = entry.source.slice('/dev/'.length);
  if (rest.startsWith('mapper/')) return _dmMajMinByName(host, rest.slice('mapper/'.length));
  return readAttr(host, `/sys/class/block/${rest.replaceAll('/', '!')}/dev`);
}

function _isBlockDevice(host: Host, majMin: string): boolean {
  const link = `/sys/dev/block/${majMin}`;
  return host.realpath(link) !== link;
}

function _dmMajMinByName(host: Host, dmName: string): string | undefined {
  for (const name of host.readdir('/sys/block')) {
    if (name.startsWith('dm-') && readAttr(host, `/sys/block/${name}/dm/name`) === dmName)
      return readAttr(host, `/sys/block/${name}/dev`);
  }
  return undefined;
}
