// FAT12/16/32 boot sector: a sane BIOS parameter block, then the extended boot record, whose place
// differs between FAT16 (+0x26) and FAT32 (+0x42): signature 0x29, 32-bit volume id, 11-byte label.
// The label is the boot sector's; the copy in the root directory (which blkid prefers) is not read.
import { probe, readExact, type FsProbe, type ReadAt } from './read-at.js';

export function readVfat(read: ReadAt): FsProbe | undefined {
  const bs = readExact(read, 0, 512);
  if (bs === undefined || !_saneBpb(bs)) return undefined;
  const isFat32 = bs.readUInt16LE(22) === 0 && bs.toString('latin1', 82, 87) === 'FAT32';
  const ebr = isFat32 ? 0x42 : 0x26;
  if (!isFat32 && !/^FAT1[26]/.test(bs.toString('latin1', 54, 59)) && bs[ebr] !== 0x29) return undefined;
  if (bs[ebr] !== 0x29 && bs[ebr] !== 0x28) return probe('vfat', {});
  const id = bs.readUInt32LE(ebr + 1);
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');
  const label = bs.toString('latin1', ebr + 5, ebr + 16).replace(/[ \0]+$/, '');
  return probe('vfat', {
    uuid: `${hex(id >>> 16)}-${hex(id & 0xffff)}`,
    label: label === '' || label === 'NO NAME' ? undefined : label,
  });
}

function _saneBpb(bs: Buffer): boolean {
  const bytesPerSector = bs.readUInt16LE(11);
  const sectorsPerCluster = bs[13] ?? 0;
  const media = bs[21] ?? 0;
  return (
    bs.toString('latin1', 3, 11) !== 'NTFS    ' &&
    bs.toString('latin1', 3, 11) !== 'EXFAT   ' &&
    [512, 1024, 2048, 4096].includes(bytesPerSector) &&
    sectorsPerCluster !== 0 &&
    (sectorsPerCluster & (sectorsPerCluster - 1)) === 0 &&
    bs.readUInt16LE(14) !== 0 && // reserved sectors
    (bs[16] ?? 0) !== 0 && // number of FATs
    (media === 0xf0 || media >= 0xf8)
  );
}
