import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFREG } from '../../../src/cpio/newc-format.js';
import { ExitCode, OutputError } from '../../../src/errors.js';
import { extractTree } from '../../../src/inspect/extract-tree.js';
import { unpackSegments } from '../../../src/inspect/kernel-unpack.js';
import { archive, chardev, dir, fifo, file, image, link, rawArchive, tempDir, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';

const CLI = fileURLToPath(new URL('../../../bin/mkinitramfs-ts.cjs', import.meta.url));

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
    const result = extractTree(tree, out, { preserve: true });
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

  it('is safe by default, even as root: no nodes, no setuid/setgid/sticky bits, owned by the caller', async () => {
    const hostile = rawArchive([
      { name: 'dev', mode: S_IFDIR | 0o755 },
      { name: 'dev/mem', mode: S_IFCHR | 0o666, rdevmajor: 1, rdevminor: 1 },
      { name: 'dev/sda', mode: S_IFBLK | 0o666, rdevmajor: 8, rdevminor: 0 },
      { name: 'dev/initctl', mode: S_IFIFO | 0o644 },
      { name: 'bin', mode: S_IFDIR | 0o755 },
      { name: 'bin/rootsh', mode: S_IFREG | 0o4755, data: Buffer.from('ELF') },
      { name: 'bin/groupsh', mode: S_IFREG | 0o2755, data: Buffer.from('ELF'), uid: 1234, gid: 1234 },
      { name: 'tmp', mode: S_IFDIR | 0o1777, uid: 1234, gid: 1234 },
    ]);
    const out = join(tempDir(), 'x');
    const { code, err } = await runCli('extract', writeTemp(hostile), out);
    expect(code).toBe(0);
    expect(listing(out)).toEqual(['bin', 'bin/groupsh', 'bin/rootsh', 'dev', 'tmp']);
    for (const skipped of ['/dev/mem: character device 1,1', '/dev/sda: block device 8,0', '/dev/initctl: FIFO'])
      expect(err).toContain(`note: ${skipped} not created`);
    const me = [process.getuid?.(), process.getgid?.()];
    for (const [p, mode] of [['bin/rootsh', 0o755], ['bin/groupsh', 0o755], ['tmp', 0o777]] as const) {
      const st = lstatSync(join(out, p));
      expect([p, st.mode & 0o7777, st.uid, st.gid]).toEqual([p, mode, ...me]);
    }
  });

  it('--preserve restores what the archive says, and only root may ask for it', async () => {
    const bytes = rawArchive([
      { name: 'dev', mode: S_IFDIR | 0o755 },
      { name: 'dev/mem', mode: S_IFCHR | 0o640, rdevmajor: 1, rdevminor: 1 },
      { name: 'su', mode: S_IFREG | 0o4755, data: Buffer.from('ELF'), uid: 1234, gid: 42 },
    ]);
    const path = writeTemp(bytes);
    const out = join(tempDir(), 'x');
    if (process.getuid?.() === 0) {
      expect((await runCli('extract', '--preserve', path, out)).code).toBe(0);
      const su = lstatSync(join(out, 'su'));
      expect([su.mode & 0o7777, su.uid, su.gid]).toEqual([0o4755, 1234, 42]);
      expect(lstatSync(join(out, 'dev/mem')).isCharacterDevice()).toBe(true);
    }
    // As an ordinary user (the built CLI under setpriv when this runs as root, in-process otherwise).
    const asUser = join(tempDir(), 'user');
    const result =
      process.getuid?.() === 0
        ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', CLI, 'extract', '--preserve', path, asUser], { encoding: 'utf8' })
        : await runCli('extract', '--preserve', path, asUser).then((r) => ({ status: r.code, stderr: r.err }));
    expect(result.stderr).toContain('--preserve');
    expect(result.stderr).toContain('as root');
    expect(result.status).toBe(ExitCode.usage);
    expect(existsSync(asUser)).toBe(false);
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
