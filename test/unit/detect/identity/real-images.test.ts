// The readers on images made by the real tools, with util-linux blkid (low-level probe) as the oracle.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadAt } from '../../../../src/detect/identity/read-at.js';
import { readPartitionTable } from '../../../../src/detect/identity/partition-table.js';
import { probeSuperblock } from '../../../../src/detect/identity/superblock.js';

const PATH = `/usr/sbin:/sbin:${process.env['PATH'] ?? ''}`;
let dir: string;

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { env: { ...process.env, PATH }, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

function sparse(name: string, bytes: number): string {
  const path = join(dir, name);
  fs.writeFileSync(path, '');
  fs.truncateSync(path, bytes);
  return path;
}

function fileReader(path: string): { read: ReadAt; size: number; close(): void } {
  const fd = fs.openSync(path, 'r');
  const size = fs.fstatSync(fd).size;
  return {
    size,
    read: (offset, length) => {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const n = fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.subarray(0, n);
    },
    close: () => fs.closeSync(fd),
  };
}

function probeFile(path: string): ReturnType<typeof probeSuperblock> {
  const f = fileReader(path);
  try {
    return probeSuperblock(f.read, f.size);
  } finally {
    f.close();
  }
}

/** What blkid's low-level probe says (TYPE, UUID, LABEL, UUID_SUB, PTUUID, PTTYPE). */
function blkid(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of run('blkid', ['-p', '-o', 'export', path]).split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

beforeAll(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'detect-real-images-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('superblocks written by the real mkfs tools', () => {
  it('ext4 from mke2fs -U -L', () => {
    const img = sparse('ext4.img', 16 << 20);
    run('mke2fs', ['-q', '-F', '-t', 'ext4', '-U', '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7', '-L', 'my root', img]);
    expect(probeFile(img)).toEqual({ type: 'ext4', uuid: '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7', label: 'my root' });
    const oracle = blkid(img);
    expect([oracle['TYPE'], oracle['UUID']]).toEqual(['ext4', '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7']);
  });

  it('ext2 from mke2fs -t ext2', () => {
    const img = sparse('ext2.img', 8 << 20);
    run('mke2fs', ['-q', '-F', '-t', 'ext2', '-U', '11111111-2222-4333-8444-555555555555', img]);
    expect(probeFile(img)).toEqual({ type: 'ext2', uuid: '11111111-2222-4333-8444-555555555555' });
  });

  it('vfat (FAT32) from mkfs.vfat -i -n', () => {
    const img = sparse('vfat.img', 64 << 20);
    run('mkfs.vfat', ['-F', '32', '-i', '1234ABCD', '-n', 'ESP', img]);
    const oracle = blkid(img);
    expect(probeFile(img)).toEqual({ type: 'vfat', uuid: oracle['UUID'], label: oracle['LABEL'] });
    expect(oracle['UUID']).toBe('1234-ABCD');
  });

  it('xfs from mkfs.xfs -m uuid= -L', () => {
    const img = sparse('xfs.img', 320 << 20);
    run('mkfs.xfs', ['-q', '-f', '-m', 'uuid=2c7e4a10-9b3d-4f6e-8a21-0d5c6b7a8e9f', '-L', 'xfsroot', img]);
    const oracle = blkid(img);
    expect(probeFile(img)).toEqual({ type: 'xfs', uuid: oracle['UUID'], label: oracle['LABEL'] });
    expect(oracle['UUID']).toBe('2c7e4a10-9b3d-4f6e-8a21-0d5c6b7a8e9f');
  });

  it('btrfs from mkfs.btrfs -U -L', () => {
    const img = sparse('btrfs.img', 128 << 20);
    run('mkfs.btrfs', ['-q', '-f', '-U', '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9', '-L', 'pool', img]);
    const oracle = blkid(img);
    expect(probeFile(img)).toEqual({ type: 'btrfs', uuid: oracle['UUID'], label: 'pool', uuidSub: oracle['UUID_SUB'] });
    expect(oracle['UUID']).toBe('5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9');
  });
});

describe('partition tables written by sfdisk', () => {
  it('GPT: disk GUID and each partition GUID and name', () => {
    const img = sparse('gpt.img', 32 << 20);
    run('sfdisk', ['-q', img], [
      'label: gpt',
      'label-id: 9A3B2C1D-4E5F-4A6B-8C7D-0E1F2A3B4C5D',
      'size=8MiB, type=linux, uuid=0D1C2B3A-5F4E-4B6A-9D8C-7E6F5A4B3C2D, name="boot part"',
      'size=8MiB, type=linux, uuid=11223344-5566-4778-899A-ABBCCDDEEFF0',
      '',
    ].join('\n'));
    const f = fileReader(img);
    const table = readPartitionTable(f.read, 512, f.size);
    f.close();
    const oracle = blkid(img);
    expect([table?.type, table?.id]).toEqual([oracle['PTTYPE'], oracle['PTUUID']]);
    expect(table?.partition(1)).toEqual({ uuid: '0d1c2b3a-5f4e-4b6a-9d8c-7e6f5a4b3c2d', label: 'boot part' });
    expect(table?.partition(2)).toEqual({ uuid: '11223344-5566-4778-899a-abbccddeeff0' });
    expect(run('sfdisk', ['--part-uuid', img, '2']).trim().toLowerCase()).toBe(table?.partition(2)?.uuid);
    expect(table?.partition(3)).toBeUndefined();
  });

  it('GPT with a destroyed primary header is read from the backup at the last LBA', () => {
    const img = sparse('gpt-backup.img', 16 << 20);
    run('sfdisk', ['-q', img], 'label: gpt\nsize=4MiB, type=linux, uuid=AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE\n');
    const fd = fs.openSync(img, 'r+');
    fs.writeSync(fd, Buffer.alloc(512), 0, 512, 512);
    fs.closeSync(fd);
    const f = fileReader(img);
    expect(readPartitionTable(f.read, 512, f.size)?.partition(1)?.uuid).toBe('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    f.close();
  });

  it('dos: PARTUUID is the disk signature and the partition number', () => {
    const img = sparse('dos.img', 16 << 20);
    run('sfdisk', ['-q', img], 'label: dos\nlabel-id: 0x5eed1234\nsize=4MiB, type=83\nsize=4MiB, type=83\n');
    const f = fileReader(img);
    const table = readPartitionTable(f.read, 512, f.size);
    f.close();
    expect(blkid(img)['PTUUID']).toBe('5eed1234');
    expect([table?.type, table?.id, table?.partition(2)?.uuid]).toEqual(['dos', '5eed1234', '5eed1234-02']);
  });
});
