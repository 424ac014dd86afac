import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { NotBootableError, NotFoundError, UnreadableError, UsageError } from '../../../src/errors.js';
import { packEntries, packPlan } from '../../../src/pack/pack-plan.js';
import { PlanBuilder } from '../../../src/assemble/plan-builder.js';
import { chardev, dir, file, fromDisk, hardlink, planOf, symlink, tempDir } from './helpers.js';

const pack = (...args: Parameters<typeof packPlan>) => Buffer.concat(packPlan(...args));

function builtPlan(sourceDir: string) {
  writeFileSync(join(sourceDir, 'tool'), 'ELF\x7fpretend');
  const b = new PlanBuilder('6.1.0-test');
  const reasons = [{ why: 'test' }];
  b.add({ type: 'file', path: '/usr/bin/tool', mode: 0o755, source: join(sourceDir, 'tool'), reasons });
  b.add({ type: 'hardlink', path: '/usr/bin/tool2', target: '/usr/bin/tool', reasons });
  b.add({ type: 'symlink', path: '/bin', target: 'usr/bin', reasons });
  b.add({ type: 'chardev', path: '/dev/console', mode: 0o600, major: 5, minor: 1, reasons });
  b.add({ type: 'file', path: '/init', mode: 0o755, content: '#!/bin/sh\n', reasons });
  return b.build();
}

describe('packPlan', () => {
  it('is reproducible: the same plan and mtime give the same bytes, another mtime other bytes', () => {
    const src = tempDir();
    const a = pack(builtPlan(src), { mtime: 0 });
    const b = pack(builtPlan(src), { mtime: 0 });
    const c = pack(builtPlan(src), { mtime: 1_700_000_000 });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.length).toBe(c.length);
  });

  it('stamps every entry with the given mtime, owner 0:0, inodes by sorted position', async () => {
    const [segment] = await readImage(pack(builtPlan(tempDir()), { mtime: 1_700_000_000 }), 'p');
    const entries = segment?.entries ?? [];
    expect(entries.map((e) => e.path)).toEqual(['.', 'bin', 'dev', 'dev/console', 'init', 'usr', 'usr/bin', 'usr/bin/tool', 'usr/bin/tool2']);
    expect(entries.every((e) => e.mtime === 1_700_000_000 && e.uid === 0 && e.gid === 0)).toBe(true);
    expect(entries.map((e) => e.ino)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 8]);
  });

  it('reads file sources from disk and stores hard-linked data once, with the last name', async () => {
    const src = tempDir();
    writeFileSync(join(src, 'busybox'), 'B'.repeat(5000));
    const plan = planOf([
      dir('/bin'),
      hardlink('/bin/ash', '/usr/bin/busybox'), // sorts before the file
      dir('/usr'),
      dir('/usr/bin'),
      fromDisk('/usr/bin/busybox', join(src, 'busybox')),
      hardlink('/usr/bin/zz', '/usr/bin/busybox'),
    ]);
    const [segment] = await readImage(pack(plan, { mtime: 0 }), 'p');
    const links = (segment?.entries ?? []).filter((e) => e.type === 'file');
    expect(links.map((e) => [e.path, e.nlink, e.size])).toEqual([
      ['bin/ash', 3, 0],
      ['usr/bin/busybox', 3, 0],
      ['usr/bin/zz', 3, 5000],
    ]);
    expect(new Set(links.map((e) => e.ino)).size).toBe(1);
    expect(links[2]?.data.toString()).toBe('B'.repeat(5000));
  });

  it('maps "/" to the root entry "." and keeps its mode', async () => {
    const [segment] = await readImage(pack(planOf([dir('/', 0o700), file('/x', 'x')]), { mtime: 0 }), 'p');
    expect(segment?.entries.map((e) => [e.path, e.mode.toString(8)])).toEqual([
      ['.', '40700'],
      ['x', '100644'],
    ]);
  });

  it('names a source that vanished or cannot be read', () => {
    const src = tempDir();
    const gone = join(src, 'gone');
    expect(() => pack(planOf([fromDisk('/gone', gone)]), { mtime: 0 })).toThrow(NotFoundError);
    expect(() => pack(planOf([fromDisk('/gone', gone)]), { mtime: 0 })).toThrow(`${gone}: vanished while building the image (it provides /gone)`);
    mkdirSync(join(src, 'adir'));
    expect(() => pack(planOf([fromDisk('/adir', join(src, 'adir'))]), { mtime: 0 })).toThrow(UnreadableError);
    writeFileSync(join(src, 'locked'), 'x');
    chmodSync(join(src, 'locked'), 0);
    if (process.getuid?.() !== 0) expect(() => pack(planOf([fromDisk('/l', join(src, 'locked'))]), { mtime: 0 })).toThrow(UnreadableError);
    rmSync(join(src, 'locked'));
  });

  it('refuses a source that became a FIFO or a directory, naming it, instead of waiting on the FIFO for ever', () => {
    const src = tempDir();
    const fifo = join(src, 'x.ko');
    execFileSync('mkfifo', [fifo]);
    expect(() => pack(planOf([fromDisk('/x.ko', fifo)]), { mtime: 0 })).toThrow(UnreadableError);
    expect(() => pack(planOf([fromDisk('/x.ko', fifo)]), { mtime: 0 })).toThrow(`${fifo}: is a FIFO, not a regular file (it provides /x.ko)`);
    mkdirSync(join(src, 'adir'));
    expect(() => pack(planOf([fromDisk('/adir', join(src, 'adir'))]), { mtime: 0 })).toThrow('adir: is a directory, not a regular file');
  });

  it('refuses a source whose bytes are not the size it had when sized (it changed while building)', () => {
    // procfs files say size 0 and then have contents: the same as a file that grew after it was sized
    expect(() => pack(planOf([fromDisk('/status', '/proc/self/status')]), { mtime: 0 })).toThrow(
      '/proc/self/status: changed while building the image (it provides /status): run again',
    );
  });

  it('refuses plans the kernel could not unpack: missing parents, dangling hard links', () => {
    expect(() => pack(planOf([file('/usr/bin/x', 'x')]), { mtime: 0 })).toThrow(NotBootableError);
    expect(() => pack(planOf([file('/usr/bin/x', 'x')]), { mtime: 0 })).toThrow('/usr/bin/x: its directory /usr/bin is not in the image');
    expect(() => pack(planOf([file('/b', 'x'), dir('/a'), file('/a/c', '')].reverse()), { mtime: 0 })).toThrow(NotBootableError);
    expect(() => pack(planOf([symlink('/a', 'b'), hardlink('/c', '/a')]), { mtime: 0 })).toThrow('/c: hard link to /a, which is not a regular file');
    expect(() => pack(planOf([{ type: 'file', path: '/e', mode: 0o644, reasons: [] }]), { mtime: 0 })).toThrow(/neither a source nor content/);
  });

  it('refuses an mtime that does not fit the header', () => {
    for (const mtime of [-1, 2 ** 32, 1.5, Number.NaN])
      expect(() => packEntries([chardev('/null', 1, 3)], { mtime })).toThrow(UsageError);
    expect(() => packEntries([], { mtime: 2 ** 32 - 1 })).not.toThrow();
  });
});
