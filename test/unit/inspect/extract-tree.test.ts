import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { S_IFREG } from '../../../src/cpio/newc-format.js';
import { OutputError } from '../../../src/errors.js';
import { extractTree } from '../../../src/inspect/extract-tree.js';
import { unpackSegments } from '../../../src/inspect/kernel-unpack.js';
import { archive, chardev, dir, fifo, file, image, link, rawArchive, tempDir, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';

async function treeOf(bytes: Buffer) {
  return unpackSegments(await readImage(bytes, 't.img')).tree;
}

/** Every path under `root`, relative, sorted. */
function listing(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const p = rel === '' ? name : `${rel}/${name}`;
    out.push(p);
    if (lstatSync(join(root, p)).isDirectory()) out.push(...listing(root, p));
  }
  return out;
}

describe('extractTree', () => {
  it('reproduces files, modes, symlinks, hard links, fifos and device nodes', async () => {
    const tree = await treeOf(
      await image({
        records: [
          dir('bin', 0o750),
          { ...file('bin/busybox', 'BB', 0o4755), ino: 9, nlink: 2 },
          { ...file('bin/sh', 'BB', 0o4755), ino: 9, nlink: 2 },
          link('bin/ash', 'busybox'),
          dir('dev'),
          chardev('dev/null', 1, 3, 0o666),
          fifo('dev/initctl'),
          dir('ro', 0o555),
          file('ro/inside', 'written before the directory became read-only', 0o400),
        ],
      }),
    );
    const out = join(tempDir(), 'x');
    const result = extractTree(tree, out, { asRoot: true });
    expect(result).toEqual({ written: 9, skipped: [] });
    expect(listing(out)).toEqual(['bin', 'bin/ash', 'bin/busybox', 'bin/sh', 'dev', 'dev/initctl', 'dev/null', 'ro', 'ro/inside']);
    expect(statSync(join(out, 'bin')).mode & 0o7777).toBe(0o750);
    expect(statSync(join(out, 'bin/busybox')).mode & 0o7777).toBe(0o4755);
    expect(statSync(join(out, 'bin/busybox')).ino).toBe(statSync(join(out, 'bin/sh')).ino);
    expect(readlinkSync(join(out, 'bin/ash'))).toBe('busybox');
    const nul = statSync(join(out, 'dev/null'));
    expect([nul.isCharacterDevice(), nul.rdev, nul.mode & 0o777]).toEqual([true, (1 << 8) | 3, 0o666]);
    expect(statSync(join(out, 'dev/initctl')).isFIFO()).toBe(true);
    expect(readFileSync(join(out, 'ro/inside'), 'utf8')).toBe('written before the directory became read-only');
    expect(statSync(join(out, 'ro')).mode & 0o777).toBe(0o555);
    expect(statSync(join(out, 'bin/busybox')).mtimeMs).toBe(1_700_000_000_000);
  });

  it('skips device nodes with a note when not root', async () => {
    const tree = await treeOf(await image({ records: [dir('dev'), chardev('dev/console', 5, 1)] }));
    const out = join(tempDir(), 'x');
    const result = extractTree(tree, out, { asRoot: false });
    expect(result.skipped).toEqual([{ path: '/dev/console', message: expect.stringContaining('only root'), lost: true }]);
    expect(listing(out)).toEqual(['dev']);
  });

  it('never writes outside the directory, whatever the archive says', async () => {
    const base = tempDir();
    const outside = join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'victim'), 'original');
    const hostile = Buffer.concat([
      // The classic: a symlink to a host directory, then files "through" it. Inside the image the
      // link leads nowhere, so the kernel (and we) drop them.
      archive([link('evil', outside), file('evil/victim', 'pwned'), file('evil/new', 'pwned')]),
      // A symlink to the image's own /etc: what is written through it lands in the extracted etc.
      archive([dir('etc'), link('evil2', '/etc'), file('evil2/shadow', 'through the link')]),
      // A symlink to the parent, and names climbing out.
      archive([link('up', '..'), file('up/climbed', 'pwned'), file('../../escaped', 'pwned')]),
      // Absolute names.
      rawArchive([
        { name: `${outside}/victim`, mode: S_IFREG | 0o644, data: Buffer.from('pwned') },
        { name: '/absolute', mode: S_IFREG | 0o644, data: Buffer.from('inside') },
      ]),
    ]);
    const out = join(base, 'out');
    const path = writeTemp(hostile);
    const { code, err } = await runCli('extract', path, out);
    expect(code).toBe(0);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('original');
    expect(readdirSync(outside)).toEqual(['victim']);
    expect(readdirSync(base).sort()).toEqual(['out', 'outside']);
    // Everything else landed inside, where the kernel would have put it in rootfs.
    expect(listing(out)).toEqual(['absolute', 'climbed', 'escaped', 'etc', 'etc/shadow', 'evil', 'evil2', 'up']);
    expect(readFileSync(join(out, 'etc/shadow'), 'utf8')).toBe('through the link');
    expect(readFileSync(join(out, 'escaped'), 'utf8')).toBe('pwned');
    expect(readlinkSync(join(out, 'evil'))).toBe(outside); // recreated as stored, last, never followed
    expect(err).toContain('evil/victim: its parent directory does not exist');
    expect(err).toContain(`${outside}/victim: its parent directory does not exist`);
    expect(err).toContain('evil2/shadow: written through a symlink');
    expect(err).toContain('../../escaped: name contains ".."');
    expect(err).toContain('/absolute: absolute name');
  });

  it('refuses a directory that is not empty, writing nothing', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'existing'), 'x');
    const tree = await treeOf(await image({ records: [file('a', 'b')] }));
    expect(() => extractTree(tree, out)).toThrow(OutputError);
    expect(existsSync(join(out, 'a'))).toBe(false);
  });

  it('matches what GNU cpio extracts from the same archive', async () => {
    const records = [dir('usr'), dir('usr/bin'), file('usr/bin/tool', '#!/bin/sh\necho hi\n', 0o755), link('bin', 'usr/bin'), dir('etc'), file('etc/conf', 'k=v\n', 0o640)];
    const bytes = archive(records);
    const ours = join(tempDir(), 'ours');
    extractTree(await treeOf(bytes), ours);
    const theirs = tempDir();
    execFileSync('cpio', ['-i', '-d', '-m', '--quiet', '--no-absolute-filenames'], { cwd: theirs, input: bytes });
    expect(listing(ours)).toEqual(listing(theirs));
    for (const p of listing(theirs)) {
      const [a, b] = [lstatSync(join(ours, p)), lstatSync(join(theirs, p))];
      expect([p, a.mode, a.size]).toEqual([p, b.mode, b.size]);
      if (a.isFile()) expect([p, a.mtimeMs]).toEqual([p, b.mtimeMs]); // GNU cpio stamps only files
    }
  });
});
