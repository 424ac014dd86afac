// Hand-built on-disk headers for the superblock reader tests, laid out from the on-disk format
// descriptions (offsets written out here on purpose, not imported from the readers).
import { crc32 } from 'node:zlib';
import type { ReadAt } from '../../../../src/detect/identity/read-at.js';

export function readerOf(image: Buffer): ReadAt {
  return (offset, length) => image.subarray(Math.min(offset, image.length), Math.min(offset + length, image.length));
}

/** "0123abcd-..." → 16 bytes in string order. */
export function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** An EFI GUID as stored: first three fields little-endian. */
export function guidBytes(guid: string): Buffer {
  const b = uuidBytes(guid);
  return Buffer.concat([b.subarray(0, 4).reverse(), b.subarray(4, 6).reverse(), b.subarray(6, 8).reverse(), b.subarray(8)]);
}

export function ext4Image(opts: { uuid: string; label: string; incompat?: number; compat?: number; roCompat?: number }): Buffer {
  const img = Buffer.alloc(4096);
  const sb = img.subarray(1024, 2048);
  sb.writeUInt16LE(0xef53, 56);
  sb.writeUInt32LE(opts.compat ?? 0x3c, 0x5c); // has_journal, ext_attr, resize_inode, dir_index
  sb.writeUInt32LE(opts.incompat ?? 0x2c2, 0x60); // filetype, extents, 64bit, flex_bg
  sb.writeUInt32LE(opts.roCompat ?? 0x46b, 0x64);
  uuidBytes(opts.uuid).copy(sb, 104);
  sb.write(opts.label, 120, 16, 'utf8');
  return img;
}

export function xfsImage(uuid: string, label: string): Buffer {
  const img = Buffer.alloc(4096);
  img.write('XFSB', 0, 'latin1');
  img.writeUInt32BE(4096, 4);
  uuidBytes(uuid).copy(img, 32);
  img.write(label, 108, 12, 'utf8');
  return img;
}

export function btrfsImage(fsid: string, devUuid: string, label: string): Buffer {
  const img = Buffer.alloc(0x10000 + 4096);
  const sb = img.subarray(0x10000);
  uuidBytes(fsid).copy(sb, 0x20);
  sb.write('_BHRfS_M', 0x40, 'latin1');
  uuidBytes(devUuid).copy(sb, 0xc9 + 66); // dev_item.uuid
  uuidBytes(fsid).copy(sb, 0xc9 + 82); // dev_item.fsid
  sb.write(label, 0x12b, 256, 'utf8');
  return img;
}

export function vfatImage(opts: { fat32: boolean; volumeId: number; label: string }): Buffer {
  const img = Buffer.alloc(1024);
  Buffer.from([0xeb, 0x58, 0x90]).copy(img, 0);
  img.write('mkfs.fat', 3, 'latin1');
  img.writeUInt16LE(512, 11);
  img[13] = opts.fat32 ? 8 : 4;
  img.writeUInt16LE(opts.fat32 ? 32 : 4, 14);
  img[16] = 2;
  img[21] = 0xf8;
  img.writeUInt16LE(opts.fat32 ? 0 : 200, 22);
  const ebr = opts.fat32 ? 0x42 : 0x26;
  if (opts.fat32) img.writeUInt32LE(1000, 36);
  img[ebr] = 0x29;
  img.writeUInt32LE(opts.volumeId, ebr + 1);
  img.write(opts.label.padEnd(11, ' '), ebr + 5, 11, 'latin1');
  img.write(opts.fat32 ? 'FAT32   ' : 'FAT16   ', ebr + 16, 8, 'latin1');
  img[510] = 0x55;
  img[511] = 0xaa;
  return img;
}

export function luksImage(version: 1 | 2, uuid: string, label = ''): Buffer {
  const img = Buffer.alloc(4096);
  Buffer.from('LUKS\xba\xbe', 'latin1').copy(img, 0);
  img.writeUInt16BE(version, 6);
  if (version === 2) img.write(label, 24, 48, 'utf8');
  else img.write('aes', 8, 'latin1'); // LUKS1: cipher name where LUKS2 keeps its label
  img.write(uuid, 168, 40, 'latin1');
  return img;
}

export function lvm2Image(rawPvUuid: string, sector = 1): Buffer {
  const img = Buffer.alloc(8192);
  const label = img.subarray(sector * 512, sector * 512 + 512);
  label.write('LABELONE', 0, 'latin1');
  label.writeBigUInt64LE(BigInt(sector), 8);
  label.writeUInt32LE(32, 20);
  label.write('LVM2 001', 24, 'latin1');
  label.write(rawPvUuid, 32, 32, 'latin1');
  return img;
}

/** An md 1.x member of `size` bytes with its superblock at byte offset `at` (0, 4096, or end-8K aligned). */
export function mdImage(opts: { size: number; at: number; arrayUuid: string; name: string; devUuid: string }): Buffer {
  const img = Buffer.alloc(opts.size);
  const sb = img.subarray(opts.at, opts.at + 1024);
  sb.writeUInt32LE(0xa92b4efc, 0);
  sb.writeUInt32LE(1, 4);
  uuidBytes(opts.arrayUuid).copy(sb, 16);
  sb.write(opts.name, 32, 32, 'utf8');
  sb.writeUInt32LE(1, 72); // raid1
  sb.writeBigUInt64LE(BigInt(opts.at / 512), 144);
  uuidBytes(opts.devUuid).copy(sb, 168);
  return img;
}

export interface GptPartitionSpec {
  uuid: string;
  name?: string;
  first: number;
  last: number;
}

/** A GPT disk (protective MBR, primary header and entries) of `sectors` 512-byte sectors. */
export function gptImage(diskGuid: string, parts: GptPartitionSpec[], sectors = 4096): Buffer {
  const img = Buffer.alloc(sectors * 512);
  img[446 + 4] = 0xee;
  img[510] = 0x55;
  img[511] = 0xaa;
  const entries = Buffer.alloc(128 * 128);
  parts.forEach((p, i) => {
    const e = entries.subarray(i * 128, i * 128 + 128);
    guidBytes('0fc63daf-8483-4772-8e79-3d69d8477de4').copy(e, 0); // Linux filesystem data
    guidBytes(p.uuid).copy(e, 16);
    e.writeBigUInt64LE(BigInt(p.first), 32);
    e.writeBigUInt64LE(BigInt(p.last), 40);
    if (p.name) e.write(p.name, 56, 72, 'utf16le');
  });
  entries.copy(img, 2 * 512);
  const hdr = img.subarray(512, 1024);
  hdr.write('EFI PART', 0, 'latin1');
  hdr.writeUInt32LE(0x00010000, 8);
  hdr.writeUInt32LE(92, 12);
  hdr.writeBigUInt64LE(1n, 24);
  hdr.writeBigUInt64LE(BigInt(sectors - 1), 32);
  hdr.writeBigUInt64LE(34n, 40);
  hdr.writeBigUInt64LE(BigInt(sectors - 34), 48);
  guidBytes(diskGuid).copy(hdr, 56);
  hdr.writeBigUInt64LE(2n, 72);
  hdr.writeUInt32LE(128, 80);
  hdr.writeUInt32LE(128, 84);
  hdr.writeUInt32LE(crc32(entries), 88);
  hdr.writeUInt32LE(crc32(hdr.subarray(0, 92)), 16);
  return img;
}

export function mbrImage(signature: number, partitionTypes: number[]): Buffer {
  const img = Buffer.alloc(4096);
  img.writeUInt32LE(signature, 440);
  partitionTypes.forEach((type, i) => {
    img[446 + i * 16 + 4] = type;
    img.writeUInt32LE(2048 * (i + 1), 446 + i * 16 + 8);
    img.writeUInt32LE(2048, 446 + i * 16 + 12);
  });
  img[510] = 0x55;
  img[511] = 0xaa;
  return img;
}
