// Linux md RAID member, superblock version 1.x: 1.1 at byte 0, 1.2 at 4 KiB, 1.0 near the end (8 KiB
// before the end, 4 KiB aligned). Magic 0xa92b4efc, major version 1, array uuid at +16, name at +32,
// this member's uuid at +168; super_offset (+144, in sectors) must name the place it was found at.
// The old 0.90 format (at the end, host-endian) is not read.
import { cString, formatUuid, probe, readExact, type FsProbe, type ReadAt } from './read-at.js';

const _MAGIC = 0xa92b4efc;

export function readMdRaid(read: ReadAt, deviceSize: number): FsProbe | undefined {
  for (const sector of _candidateSectors(deviceSize)) {
    const sb = readExact(read, sector * 512, 256);
    if (sb === undefined || sb.readUInt32LE(0) !== _MAGIC || sb.readUInt32LE(4) !== 1) continue;
    if (sb.readBigUInt64LE(144) !== BigInt(sector)) continue;
    return probe('linux_raid_member', {
      uuid: formatUuid(sb.subarray(16, 32)),
      label: cString(sb.subarray(32, 64)),
      uuidSub: formatUuid(sb.subarray(168, 184)),
    });
  }
  return undefined;
}

function _candidateSectors(deviceSize: number): number[] {
  const sectors = [0, 8];
  const total = Math.floor(deviceSize / 512);
  if (total >= 16 + 8) sectors.push(total - 16 - ((total - 16) % 8)); // no bit ops: sizes pass 2^31 sectors
  return sectors;
}
