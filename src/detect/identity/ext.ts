// ext2/3/4: superblock at byte 1024, magic 0xEF53 at +56, UUID at +104, label at +120. The variant
// follows from the feature flags the way libblkid tells them apart.
import { cString, formatUuid, isAllZero, probe, readExact, type FsProbe, type ReadAt } from './read-at.js';

const _SB = 1024;
const _COMPAT_HAS_JOURNAL = 0x4;
const _INCOMPAT_JOURNAL_DEV = 0x8;
const _EXT3_INCOMPAT_SUPPORTED = 0x2 | 0x4 | 0x10; // filetype, recover, meta_bg
const _EXT3_RO_SUPPORTED = 0x1 | 0x2 | 0x4; // sparse_super, large_file, btree_dir

export function readExt(read: ReadAt): FsProbe | undefined {
  const sb = readExact(read, _SB, 264);
  if (sb === undefined || sb.readUInt16LE(56) !== 0xef53) return undefined;
  const compat = sb.readUInt32LE(0x5c);
  const incompat = sb.readUInt32LE(0x60);
  const roCompat = sb.readUInt32LE(0x64);
  const uuidBytes = sb.subarray(104, 120);
  const fields = { uuid: isAllZero(uuidBytes) ? undefined : formatUuid(uuidBytes), label: cString(sb.subarray(120, 136)) };
  if (incompat & _INCOMPAT_JOURNAL_DEV) return probe('jbd', fields);
  const beyondExt3 = (incompat & ~_EXT3_INCOMPAT_SUPPORTED) !== 0 || (roCompat & ~_EXT3_RO_SUPPORTED) !== 0;
  if (beyondExt3) return probe('ext4', fields);
  return probe(compat & _COMPAT_HAS_JOURNAL ? 'ext3' : 'ext2', fields);
}
