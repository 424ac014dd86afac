// Interoperability with GNU cpio: it must read what we write, and we must read what it writes.
import { lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, linkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { packPlan } from '../../../src/pack/pack-plan.js';
import { blockdev, chardev, dir, file, fromDisk, hardlink, planOf, run, symlink, tempDir } from './helpers.js';

const MTIME = 1_700_000_000;
const LONG_DIR = `/opt/${'l'.repeat(200)}/${'m'.repeat(200)}`;
const BINARY = Buffer.from(Array.from({ length: 1031 }, (_, i) => (i * 7) % 256));

function samplePlan(sourceDir: string) {
  writeFileSync(join(sourceDir, 'busybox'), BINARY);
  return planOf([
    dir('/bin'),
    hardlink('/bin/ash', '/bin/busybox'), // sorts before the file it names
    fromDisk('/bin/busybox', join(sourceDir, 'busybox')),
    hardlink('/bin/mount', '/bin/busybox'),
    symlink('/bin/sh', 'busybox'),
    dir('/dev'),
    chardev('/dev/console', 5, 1),
    blockdev('/dev/vda1', 254, 1, 0o660),
    dir('/etc'),
    file('/etc/empty', ''),
    file('/etc/grüße-日本.conf', 'ünïcödé\n'),
    file('/etc/three', 'abc'),
    dir('/opt'),
    dir(`/opt/${'l'.repeat(200)}`),
    dir(LONG_DIR),
    file(`${LONG_DIR}/${'n'.repeat(250)}`, 'deep\n', 0o600),
  ]);
}

describe('GNU cpio reads our archives', () => {
  it('lists every entry with type, mode, link count, device numbers and symlink target', () => {
    const archive = Buffer.concat(packPlan(samplePlan(tempDir()), { mtime: MTIME }));
    const listing = run('cpio', ['-i', '--list', '-v', '--numeric-uid-gid', '--quiet'], archive).toString('utf8');
    const lines = listing.trim().split('\n');
    expect(lines).toHaveLength(17); // "." + 16 plan entries
    const line = (name: string) => lines.find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `)) ?? '';
    expect(line('.')).toMatch(/^drwxr-xr-x\s+2\s+0\s+0\s+0 /);
    expect(line('dev/console')).toMatch(/^crw-------\s+1\s+0\s+0\s+5,\s+1 /);
    expect(line('dev/vda1')).toMatch(/^brw-rw----\s+1\s+0\s+0\s+254,\s+1 /);
    expect(line('bin/sh')).toMatch(/^lrwxrwxrwx .* bin\/sh -> busybox$/);
    expect(line('bin/busybox')).toMatch(/^-rwxr-xr-x\s+3\s+0\s+0\s+0 /);
    expect(line('bin/mount')).toMatch(/^-rwxr-xr-x\s+3\s+0\s+0\s+1031 /); // data once, with the last name
    expect(line('etc/grüße-日本.conf')).toMatch(/^-rw-r--r--\s+1\s+0\s+0\s+12 /);
    expect(line(`${LONG_DIR.slice(1)}/${'n'.repeat(250)}`)).toMatch(/^-rw-------/);
  });

  it('extracts the same tree (cpio -idm): contents, modes, hard links, devices, symlinks, mtimes', () => {
    const out = tempDir();
    const archive = Buffer.concat(packPlan(samplePlan(tempDir()), { mtime: MTIME }));
    run('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], archive, out);
    expect(readFileSync(join(out, 'bin/busybox'))).toEqual(BINARY);
    const ino = statSync(join(out, 'bin/busybox')).ino;
    expect(statSync(join(out, 'bin/ash')).ino).toBe(ino);
    expect(statSync(join(out, 'bin/mount')).ino).toBe(ino);
    expect(statSync(join(out, 'bin/busybox')).nlink).toBe(3);
    expect(readlinkSync(join(out, 'bin/sh'))).toBe('busybox');
    const console = lstatSync(join(out, 'dev/console'));
    expect(console.isCharacterDevice()).toBe(true);
    expect([Math.floor(console.rdev / 256) & 0xfff, console.rdev & 0xff]).toEqual([5, 1]);
    const vda1 = lstatSync(join(out, 'dev/vda1'));
    expect(vda1.isBlockDevice()).toBe(true);
    expect([Math.floor(vda1.rdev / 256) & 0xfff, vda1.rdev & 0xff, vda1.mode & 0o7777]).toEqual([254, 1, 0o660]);
    expect(readFileSync(join(out, 'etc/empty')).length).toBe(0);
    expect(readFileSync(join(out, 'etc/grüße-日本.conf'), 'utf8')).toBe('ünïcödé\n');
    expect(readFileSync(join(out, LONG_DIR.slice(1), 'n'.repeat(250)), 'utf8')).toBe('deep\n');
    expect(statSync(join(out, LONG_DIR.slice(1), 'n'.repeat(250))).mode & 0o7777).toBe(0o600);
    expect(statSync(join(out, 'etc/three')).mtimeMs).toBe(MTIME * 1000);
  });
});

describe('our reader reads archives GNU cpio wrote', () => {
  it('gets back the tree cpio -o -H newc archived, including its 512-byte block padding', () => {
    const src = tempDir();
    mkdirSync(join(src, 'bin'));
    writeFileSync(join(src, 'bin/busybox'), BINARY);
    linkSync(join(src, 'bin/busybox'), join(src, 'bin/ash'));
    symlinkSync('busybox', join(src, 'bin/sh'));
    writeFileSync(join(src, 'ünï'), '');
    mkdirSync(join(src, 'dev'));
    run('mknod', [join(src, 'dev/null'), 'c', '1', '3']);
    const names = ['.', 'bin', 'bin/ash', 'bin/busybox', 'bin/sh', 'dev', 'dev/null', 'ünï'];
    const archive = run('cpio', ['-o', '-H', 'newc', '--quiet'], Buffer.from(names.join('\n') + '\n'), src);
    expect(archive.length % 512).toBe(0);
    return readImage(archive, 'gnu.cpio').then((segments) => {
      expect(segments).toHaveLength(1);
      const entries = segments[0]?.entries ?? [];
      expect(entries.map((e) => e.path)).toEqual(names);
      const byPath = new Map(entries.map((e) => [e.path, e]));
      const ash = byPath.get('bin/ash');
      const busybox = byPath.get('bin/busybox');
      expect(ash?.ino).toBe(busybox?.ino);
      expect([ash?.nlink, ash?.size, busybox?.size]).toEqual([2, 0, BINARY.length]); // data on the last name
      expect(busybox?.data).toEqual(BINARY);
      expect(busybox?.hardlinkOf).toBe('bin/ash');
      expect(byPath.get('bin/sh')?.target).toBe('busybox');
      expect(byPath.get('dev/null')).toMatchObject({ type: 'chardev', rdevmajor: 1, rdevminor: 3 });
      expect(byPath.get('ünï')).toMatchObject({ type: 'file', size: 0 });
      expect(byPath.get('.')?.type).toBe('dir');
    });
  });
});
