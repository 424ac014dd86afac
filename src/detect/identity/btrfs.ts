// btrfs: primary superblock at 64 KiB; magic "_BHRfS_M" at +64, fsid at +32, label at +0x12b, and
// this device's own uuid inside the embedded dev_item (+0xc9, uuid 66 bytes in).
import { cString, formatUuid, probe, readExact, type FsProbe, type ReadAt } from './read-at.js';

const _SB = 0x10000;
const _DEV_ITEM = 0xc9;
const _LABEL = 0x12b;

export function readBtrfs(read: ReadAt): FsProbe | undefined {
  const sb = readExact(read, _SB, _LABEL + 256);
  if (sb === undefined || sb.toString('latin1', 64, 72) !== '_BHRfS_M') return undefined;
  return probe('btrfs', {
    uuid: formatUuid(sb.subarray(32, 48)),
    label: cString(sb.subarray(_LABEL, _LABEL + 256)),
    uuidSub: formatUuid(sb.subarray(_DEV_ITEM + 66, _DEV_ITEM + 82)),
  });
}
