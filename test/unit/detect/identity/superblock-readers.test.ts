import { describe, expect, it } from 'vitest';
import { readBtrfs } from '../../../../src/detect/identity/btrfs.js';
import { readExt } from '../../../../src/detect/identity/ext.js';
import { readLuks } from '../../../../src/detect/identity/luks.js';
import { readLvm2 } from '../../../../src/detect/identity/lvm2.js';
import { readMdRaid } from '../../../../src/detect/identity/md-raid.js';
import { probeSuperblock } from '../../../../src/detect/identity/superblock.js';
import { readVfat } from '../../../../src/detect/identity/vfat.js';
import { readXfs } from '../../../../src/detect/identity/xfs.js';
import {
  btrfsImage,
  ext4Image,
  luksImage,
  lvm2Image,
  mdImage,
  readerOf,
  vfatImage,
  xfsImage,
} from './superblock-bytes.js';

const UUID = '6f1d2c3b-4a59-4e8f-9a0b-1c2d3e4f5a6b';
const UUID2 = 'a1b2c3d4-e5f6-4789-8abc-def012345678';

describe('readExt', () => {
  it('reads UUID and label and tells ext4 by its feature flags', () => {
    expect(readExt(readerOf(ext4Image({ uuid: UUID, label: 'rootfs' })))).toEqual({ type: 'ext4', uuid: UUID, label: 'rootfs' });
  });
  it('tells ext3 (journal, no ext4 features) from ext2 (no journal)', () => {
    const plain = { uuid: UUID, label: '', incompat: 0x2, roCompat: 0x3 };
    expect(readExt(readerOf(ext4Image({ ...plain, compat: 0x3c })))).toEqual({ type: 'ext3', uuid: UUID });
    expect(readExt(readerOf(ext4Image({ ...plain, compat: 0x38 })))).toEqual({ type: 'ext2', uuid: UUID });
  });
  it('rejects a wrong magic and a truncated device', () => {
    const img = ext4Image({ uuid: UUID, label: 'x' });
    img.writeUInt16LE(0xef52, 1024 + 56);
    expect(readExt(readerOf(img))).toBeUndefined();
    expect(readExt(readerOf(ext4Image({ uuid: UUID, label: 'x' }).subarray(0, 1100)))).toBeUndefined();
  });
});

describe('readXfs / readBtrfs', () => {
  it('reads xfs uuid and 12-byte label', () => {
    expect(readXfs(readerOf(xfsImage(UUID, 'xfsroot12345')))).toEqual({ type: 'xfs', uuid: UUID, label: 'xfsroot12345' });
  });
  it('rejects xfs with an impossible block size', () => {
    const img = xfsImage(UUID, 'a');
    img.writeUInt32BE(1000, 4);
    expect(readXfs(readerOf(img))).toBeUndefined();
  });
  it('reads btrfs fsid, label and the device uuid from the 64 KiB superblock', () => {
    expect(readBtrfs(readerOf(btrfsImage(UUID, UUID2, 'pool')))).toEqual({ type: 'btrfs', uuid: UUID, label: 'pool', uuidSub: UUID2 });
    expect(readBtrfs(readerOf(btrfsImage(UUID, UUID2, 'pool').subarray(0, 0x10000)))).toBeUndefined();
  });
});

describe('readVfat', () => {
  it('reads the FAT32 volume id as XXXX-XXXX and the label', () => {
    expect(readVfat(readerOf(vfatImage({ fat32: true, volumeId: 0x1a2b3c4d, label: 'EFI' })))).toEqual({
      type: 'vfat',
      uuid: '1A2B-3C4D',
      label: 'EFI',
    });
  });
  it('reads FAT16 at its own extended boot record place, and drops NO NAME', () => {
    expect(readVfat(readerOf(vfatImage({ fat32: false, volumeId: 0xbeef, label: 'NO NAME' })))).toEqual({ type: 'vfat', uuid: '0000-BEEF' });
  });
  it('rejects NTFS and a boot sector with a broken BPB', () => {
    const ntfs = vfatImage({ fat32: true, volumeId: 1, label: 'X' });
    ntfs.write('NTFS    ', 3, 'latin1');
    expect(readVfat(readerOf(ntfs))).toBeUndefined();
    const broken = vfatImage({ fat32: true, volumeId: 1, label: 'X' });
    broken.writeUInt16LE(500, 11);
    expect(readVfat(readerOf(broken))).toBeUndefined();
  });
});

describe('readLuks', () => {
  it('reads the LUKS2 uuid and label and the LUKS1 uuid', () => {
    expect(readLuks(readerOf(luksImage(2, UUID, 'cryptroot')))).toEqual({ type: 'crypto_LUKS', uuid: UUID, label: 'cryptroot' });
    expect(readLuks(readerOf(luksImage(1, UUID2)))).toEqual({ type: 'crypto_LUKS', uuid: UUID2 });
  });
  it('rejects an unknown version', () => {
    const img = luksImage(2, UUID);
    img.writeUInt16BE(3, 6);
    expect(readLuks(readerOf(img))).toBeUndefined();
  });
});

describe('readLvm2', () => {
  const raw = 'Abcdef0123456789GHIJklmnOPQRstuv';
  it('finds the label in any of the first four sectors and formats the PV uuid 6-4-4-4-4-4-6', () => {
    for (const sector of [0, 1, 3])
      expect(readLvm2(readerOf(lvm2Image(raw, sector)))).toEqual({ type: 'LVM2_member', uuid: 'Abcdef-0123-4567-89GH-IJkl-mnOP-QRstuv' });
  });
  it('rejects a label whose sector number does not match where it sits', () => {
    const img = lvm2Image(raw, 1);
    img.writeBigUInt64LE(2n, 512 + 8);
    expect(readLvm2(readerOf(img))).toBeUndefined();
  });
});

describe('readMdRaid', () => {
  const base = { arrayUuid: UUID, name: 'host:0', devUuid: UUID2 };
  const expected = { type: 'linux_raid_member', uuid: UUID, label: 'host:0', uuidSub: UUID2 };
  it('finds 1.2 (4 KiB), 1.1 (0) and 1.0 (end - 8 KiB, 4 KiB aligned) superblocks', () => {
    const size = 1024 * 1024 + 3 * 512; // not a multiple of 4 KiB: the 1.0 place is rounded down
    const end = (Math.floor(size / 512) - 16) & ~7;
    for (const at of [4096, 0, end * 512]) expect(readMdRaid(readerOf(mdImage({ ...base, size, at })), size)).toEqual(expected);
  });
  it('rejects a superblock whose super_offset names another place', () => {
    const img = mdImage({ ...base, size: 65536, at: 4096 });
    img.writeBigUInt64LE(0n, 4096 + 144);
    expect(readMdRaid(readerOf(img), 65536)).toBeUndefined();
  });
  it('wins over the file system inside a 1.0 member (probeSuperblock tries containers first)', () => {
    const size = 1 << 20;
    const img = mdImage({ ...base, size, at: size - 8192 });
    ext4Image({ uuid: UUID2, label: 'inner' }).copy(img, 0);
    expect(probeSuperblock(readerOf(img), size)).toEqual(expected);
    expect(probeSuperblock(readerOf(Buffer.alloc(size)), size)).toBeUndefined();
  });
});
