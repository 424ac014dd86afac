import { describe, expect, it } from 'vitest';
import { HEADER_FIELDS, HEADER_SIZE, S_IFBLK, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG } from '../../../src/cpio/newc-format.js';
import { NewcWriter } from '../../../src/cpio/newc-writer.js';
import { NotBootableError } from '../../../src/errors.js';

/** Walks the raw archive and returns each header's fields, name, offsets and data. */
function walk(buf: Buffer) {
  const out = [];
  let pos = 0;
  for (;;) {
    expect(pos % 4).toBe(0);
    expect(buf.toString('latin1', pos, pos + 6)).toBe('070701');
    const f: Record<string, number> = {};
    HEADER_FIELDS.forEach((name, i) => (f[name] = parseInt(buf.toString('latin1', pos + 6 + i * 8, pos + 14 + i * 8), 16)));
    const namesize = f['namesize'] as number;
    const filesize = f['filesize'] as number;
    const nameBytes = buf.subarray(pos + HEADER_SIZE, pos + HEADER_SIZE + namesize);
    const dataStart = pos + HEADER_SIZE + namesize + ((4 - ((HEADER_SIZE + namesize) % 4)) % 4);
    expect(dataStart % 4).toBe(0);
    // every padding byte is NUL
    expect(buf.subarray(pos + HEADER_SIZE + namesize, dataStart).every((b) => b === 0)).toBe(true);
    const data = buf.subarray(dataStart, dataStart + filesize);
    const next = dataStart + filesize + ((4 - (filesize % 4)) % 4);
    expect(buf.subarray(dataStart + filesize, next).every((b) => b === 0)).toBe(true);
    const name = nameBytes.subarray(0, namesize - 1).toString('utf8');
    out.push({ pos, f, nameBytes, name, data });
    pos = next;
    if (name === 'TRAILER!!!') return { records: out, end: pos };
  }
}

describe('NewcWriter', () => {
  it('writes the 110-byte header, the NUL-terminated name and data, each padded to 4', () => {
    const w = new NewcWriter();
    w.add({ name: 'init', mode: S_IFREG | 0o755, ino: 7, nlink: 1, mtime: 0x12345678, data: Buffer.from('#!/bin/sh\n') });
    const buf = Buffer.concat(w.finish());
    // 110 + "init\0" = 115 -> 116; data 10 -> 12; trailer 110 + 11 = 121 -> 124
    expect(buf.length).toBe(116 + 12 + 124);
    expect(buf.toString('latin1', 0, 110)).toBe(
      '070701' + '00000007' + '000081ED' + '00000000' + '00000000' + '00000001' + '12345678' + '0000000A' +
        '00000000' + '00000000' + '00000000' + '00000000' + '00000005' + '00000000',
    );
    expect(buf.subarray(110, 116)).toEqual(Buffer.from('init\0\0'));
    expect(buf.toString('latin1', 116, 126)).toBe('#!/bin/sh\n');
    expect(buf.subarray(126, 128)).toEqual(Buffer.alloc(2));
    const { records, end } = walk(buf);
    expect(end).toBe(buf.length);
    expect(records.at(-1)?.name).toBe('TRAILER!!!');
    expect(records.at(-1)?.f['nlink']).toBe(1);
  });

  it('pads correctly for every name and data length modulo 4', () => {
    const w = new NewcWriter();
    for (let n = 1; n <= 9; n++)
      w.add({ name: 'x'.repeat(n), mode: S_IFREG | 0o644, ino: n, nlink: 1, mtime: 0, data: Buffer.alloc(n, n) });
    const buf = Buffer.concat(w.finish());
    expect(buf.length % 4).toBe(0);
    const { records } = walk(buf);
    expect(records.slice(0, 9).map((r) => [r.name, r.data.length, r.data[0]])).toEqual(
      Array.from({ length: 9 }, (_, i) => ['x'.repeat(i + 1), i + 1, i + 1]),
    );
    expect(w.size).toBe(buf.length);
  });

  it('counts name sizes in UTF-8 bytes including the NUL', () => {
    const w = new NewcWriter();
    w.add({ name: 'etc/grüße-日本', mode: S_IFREG | 0o644, ino: 2, nlink: 1, mtime: 0 });
    const [rec] = walk(Buffer.concat(w.finish())).records;
    // "etc/grüße-日本": 12 characters, 18 bytes in UTF-8
    expect(rec?.f['namesize']).toBe(Buffer.byteLength('etc/grüße-日本') + 1);
    expect(rec?.f['namesize']).toBe(19);
    expect(rec?.name).toBe('etc/grüße-日本');
  });

  it('stores symlink targets as data and device numbers in rdevmajor/rdevminor', () => {
    const w = new NewcWriter();
    w.add({ name: 'bin/sh', mode: S_IFLNK | 0o777, ino: 3, nlink: 1, mtime: 0, data: Buffer.from('busybox') });
    w.add({ name: 'dev/null', mode: S_IFCHR | 0o666, ino: 4, nlink: 1, mtime: 0, rdevmajor: 1, rdevminor: 3 });
    w.add({ name: 'dev/vda', mode: S_IFBLK | 0o600, ino: 5, nlink: 1, mtime: 0, rdevmajor: 254, rdevminor: 0 });
    w.add({ name: '.', mode: S_IFDIR | 0o755, ino: 1, nlink: 2, mtime: 0 });
    const { records } = walk(Buffer.concat(w.finish()));
    expect(records[0]?.data.toString()).toBe('busybox');
    expect(records[0]?.f['filesize']).toBe(7);
    expect([records[1]?.f['rdevmajor'], records[1]?.f['rdevminor'], records[1]?.f['filesize']]).toEqual([1, 3, 0]);
    expect([records[2]?.f['rdevmajor'], records[2]?.f['rdevminor'], records[2]?.f['mode']]).toEqual([254, 0, S_IFBLK | 0o600]);
    expect(records.every((r) => r.f['uid'] === 0 && r.f['gid'] === 0 && r.f['devmajor'] === 0)).toBe(true);
  });

  it('accepts the longest path the kernel unpacks and refuses longer ones', () => {
    const component = 'd'.repeat(255);
    const longest = Array.from({ length: 16 }, () => component).join('/').slice(0, 4095);
    const ok = new NewcWriter();
    ok.add({ name: longest, mode: S_IFREG | 0o644, ino: 2, nlink: 1, mtime: 0 });
    expect(walk(Buffer.concat(ok.finish())).records[0]?.f['namesize']).toBe(4096);
    const w = new NewcWriter();
    expect(() => w.add({ name: `${longest}x`, mode: S_IFREG | 0o644, ino: 2, nlink: 1, mtime: 0 })).toThrow(NotBootableError);
    expect(() => w.add({ name: `a/${'n'.repeat(256)}`, mode: S_IFREG | 0o644, ino: 2, nlink: 1, mtime: 0 })).toThrow(/longer than 255 bytes/);
  });

  it('refuses absolute names, data on devices and empty symlinks', () => {
    const w = new NewcWriter();
    expect(() => w.add({ name: '/init', mode: S_IFREG | 0o755, ino: 2, nlink: 1, mtime: 0 })).toThrow(/must be relative/);
    expect(() => w.add({ name: 'dev/x', mode: S_IFCHR | 0o600, ino: 2, nlink: 1, mtime: 0, data: Buffer.from('x') })).toThrow();
    expect(() => w.add({ name: 'bin/sh', mode: S_IFLNK | 0o777, ino: 2, nlink: 1, mtime: 0 })).toThrow(/empty target/);
    expect(() => w.add({ name: 'x', mode: S_IFREG, ino: 2, nlink: 1, mtime: 2 ** 32 })).toThrow(/does not fit/);
  });
});
