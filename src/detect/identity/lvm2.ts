// LVM2 physical volume: a "LABELONE" label header in one of the first four 512-byte sectors, type
// "LVM2 001" at +24, and the 32-character PV UUID at the pv_header offset stored at +20.
import { probe, readExact, type FsProbe, type ReadAt } from './read-at.js';

export function readLvm2(read: ReadAt): FsProbe | undefined {
  for (let sector = 0; sector < 4; sector++) {
    const label = readExact(read, sector * 512, 512);
    if (label === undefined) return undefined;
    if (label.toString('latin1', 0, 8) !== 'LABELONE' || label.toString('latin1', 24, 32) !== 'LVM2 001') continue;
    if (label.readBigUInt64LE(8) !== BigInt(sector)) continue;
    const offset = label.readUInt32LE(20);
    if (offset + 32 > 512) continue;
    const raw = label.toString('latin1', offset, offset + 32);
    if (!/^[0-9A-Za-z!#]{32}$/.test(raw)) continue;
    return probe('LVM2_member', { uuid: _formatPvUuid(raw) });
  }
  return undefined;
}

/** LVM prints PV UUIDs in groups of 6-4-4-4-4-4-6. */
function _formatPvUuid(raw: string): string {
  const groups = [6, 4, 4, 4, 4, 4, 6];
  let at = 0;
  return groups.map((n) => raw.slice(at, (at += n))).join('-');
}
