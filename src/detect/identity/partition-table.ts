// PARTUUID and PARTLABEL of a partition, from its disk's GPT (header at LBA 1, or the backup at the
// last LBA, both CRC-checked) or MBR (disk signature at +440: PARTUUID is "SSSSSSSS-NN").
import { crc32 } from '../../compress/crc32.js';
import { formatGuid, isAllZero, readExact, type ReadAt } from './read-at.js';

export interface PartitionTable {
  type: 'gpt' | 'dos';
  /** Disk GUID (gpt) or 8-hex-digit disk signature (dos). */
  id: string;
  /** Partition number (as the kernel numbers it) → PARTUUID and PARTLABEL. */
  partition(n: number): { uuid: string; label?: string } | undefined;
}

const _MAX_ENTRIES_BYTES = 1 << 20;

export function readPartitionTable(read: ReadAt, sectorSize: number, diskSize: number): PartitionTable | undefined {
  const lastLba = Math.floor(diskSize / sectorSize) - 1;
  return _readGpt(read, sectorSize, 1) ?? (lastLba > 1 ? _readGpt(read, sectorSize, lastLba) : undefined) ?? _readMbr(read);
}

function _readGpt(read: ReadAt, sectorSize: number, lba: number): PartitionTable | undefined {
  const hdr = readExact(read, lba * sectorSize, sectorSize);
  if (hdr === undefined || hdr.toString('latin1', 0, 8) !== 'EFI PART') return undefined;
  const hdrSize = hdr.readUInt32LE(12);
  if (hdrSize < 92 || hdrSize > sectorSize) return undefined;
  const check = Buffer.from(hdr.subarray(0, hdrSize));
  check.writeUInt32LE(0, 16);
  if (crc32(check) !== hdr.readUInt32LE(16)) return undefined;
  if (hdr.readBigUInt64LE(24) !== BigInt(lba)) return undefined;
  const entriesLba = Number(hdr.readBigUInt64LE(72));
  const count = hdr.readUInt32LE(80);
  const entrySize = hdr.readUInt32LE(84);
  if (entrySize < 128 || entrySize % 8 !== 0 || count * entrySize > _MAX_ENTRIES_BYTES) return undefined;
  const entries = readExact(read, entriesLba * sectorSize, count * entrySize);
  if (entries === undefined || crc32(entries) !== hdr.readUInt32LE(88)) return undefined;
  return {
    type: 'gpt',
    id: formatGuid(hdr.subarray(56, 72)),
    partition(n) {
      if (!Number.isInteger(n) || n < 1 || n > count) return undefined;
      const entry = entries.subarray((n - 1) * entrySize, n * entrySize);
      if (isAllZero(entry.subarray(0, 16))) return undefined; // unused slot
      const name = _utf16z(entry.subarray(56, 128));
      return name === undefined ? { uuid: formatGuid(entry.subarray(16, 32)) } : { uuid: formatGuid(entry.subarray(16, 32)), label: name };
    },
  };
}

function _readMbr(read: ReadAt): PartitionTable | undefined {
  const mbr = readExact(read, 0, 512);
  if (mbr === undefined || mbr[510] !== 0x55 || mbr[511] !== 0xaa) return undefined;
  for (let i = 0; i < 4; i++) {
    const boot = mbr[446 + i * 16];
    if (boot !== 0 && boot !== 0x80) return undefined; // a boot sector, not a partition table
    if (mbr[446 + i * 16 + 4] === 0xee) return undefined; // protective MBR of a GPT we could not read
  }
  const signature = mbr.readUInt32LE(440);
  if (signature === 0) return undefined;
  const id = signature.toString(16).padStart(8, '0');
  return {
    type: 'dos',
    id,
    partition: (n) => (Number.isInteger(n) && n >= 1 ? { uuid: `${id}-${String(n).padStart(2, '0')}` } : undefined),
  };
}

function _utf16z(bytes: Buffer): string | undefined {
  let end = 0;
  while (end + 1 < bytes.length && (bytes[end] !== 0 || bytes[end + 1] !== 0)) end += 2;
  const text = bytes.subarray(0, end).toString('utf16le');
  return text === '' ? undefined : text;
}
