// XFS: superblock at byte 0, big-endian, magic "XFSB", UUID at +32, 12-byte label at +108.
import { cString, formatUuid, probe, readExact, type FsProbe, type ReadAt } from './read-at.js';

export function readXfs(read: ReadAt): FsProbe | undefined {
  const sb = readExact(read, 0, 120);
  if (sb === undefined || sb.toString('latin1', 0, 4) !== 'XFSB') return undefined;
  const blockSize = sb.readUInt32BE(4);
  if (blockSize < 512 || blockSize > 65536 || (blockSize & (blockSize - 1)) !== 0) return undefined;
  return probe('xfs', { uuid: formatUuid(sb.subarray(32, 48)), label: cString(sb.subarray(108, 120)) });
}
