import { describe, expect, it } from 'vitest';
import { readPartitionTable } from '../../../../src/detect/identity/partition-table.js';
import { gptImage, mbrImage, readerOf } from './superblock-bytes.js';

const DISK = '8c1f0a2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b';
const P1 = 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b';
const P2 = '4f68bce3-e8cd-4db1-96e7-fbcaf984b709';

describe('readPartitionTable', () => {
  const image = gptImage(DISK, [
    { uuid: P1, name: 'EFI System', first: 2048, last: 3071 },
    { uuid: P2, first: 3072, last: 4000 },
  ]);

  it('reads the GPT disk GUID and the mixed-endian partition GUIDs and UTF-16 names', () => {
    const table = readPartitionTable(readerOf(image), 512, image.length);
    expect([table?.type, table?.id]).toEqual(['gpt', DISK]);
    expect(table?.partition(1)).toEqual({ uuid: P1, label: 'EFI System' });
    expect(table?.partition(2)).toEqual({ uuid: P2 });
    expect(table?.partition(3)).toBeUndefined(); // an empty slot
    expect(table?.partition(0)).toBeUndefined();
  });

  it('refuses a GPT header or entry array whose CRC does not match', () => {
    const badHeader = Buffer.from(image);
    badHeader.writeUInt8(badHeader.readUInt8(512 + 60) ^ 0xff, 512 + 60); // inside the disk GUID
    expect(readPartitionTable(readerOf(badHeader), 512, badHeader.length)?.type).not.toBe('gpt');
    const badEntries = Buffer.from(image);
    badEntries.writeUInt8(badEntries.readUInt8(1024 + 20) ^ 0xff, 1024 + 20);
    expect(readPartitionTable(readerOf(badEntries), 512, badEntries.length)?.type).not.toBe('gpt');
  });

  it('does not mistake the protective MBR of an unreadable GPT for a dos table', () => {
    const broken = Buffer.from(image);
    broken.fill(0, 512, 1024);
    expect(readPartitionTable(readerOf(broken), 512, broken.length)).toBeUndefined();
  });

  it('reads a dos disk signature; PARTUUID is SIGNATURE-NN also for logical partitions', () => {
    const table = readPartitionTable(readerOf(mbrImage(0x00c0ffee, [0x83, 0x05])), 512, 4096);
    expect([table?.type, table?.id]).toEqual(['dos', '00c0ffee']);
    expect(table?.partition(1)?.uuid).toBe('00c0ffee-01');
    expect(table?.partition(5)?.uuid).toBe('00c0ffee-05');
  });

  it('rejects a boot sector whose "boot flags" are not 0 or 0x80, and a zero signature', () => {
    const bootSector = mbrImage(0x1234, [0x83]);
    bootSector[446] = 0x31;
    expect(readPartitionTable(readerOf(bootSector), 512, 4096)).toBeUndefined();
    expect(readPartitionTable(readerOf(mbrImage(0, [0x83])), 512, 4096)).toBeUndefined();
  });
});
