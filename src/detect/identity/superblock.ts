// Which file system or container a device holds. Containers (md member, LUKS, LVM PV) are tried
// first: a RAID1 member with 1.0 metadata also shows the file system inside it at byte 0.
import { readBtrfs } from './btrfs.js';
import { readExt } from './ext.js';
import { readLuks } from './luks.js';
import { readLvm2 } from './lvm2.js';
import { readMdRaid } from './md-raid.js';
import type { FsProbe, ReadAt } from './read-at.js';
import { readVfat } from './vfat.js';
import { readXfs } from './xfs.js';

export function probeSuperblock(read: ReadAt, deviceSize: number): FsProbe | undefined {
  return (
    readMdRaid(read, deviceSize) ??
    readLuks(read) ??
    readLvm2(read) ??
    readXfs(read) ??
    readExt(read) ??
    readBtrfs(read) ??
    readVfat(read)
  );
}
