import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { S_IFREG } from '../../../src/cpio/newc-format.js';
import { fileBytes } from '../../../src/inspect/cat-file.js';
import { unpackSegments } from '../../../src/inspect/kernel-unpack.js';
import { archive, chardev, dir, file, image, link, rawArchive } from './image-builder.js';

async function unpack(bytes: Buffer) {
  const unpacked = unpackSegments(await readImage(bytes, 't.img'));
  const text = (p: string): string => fileBytes({ tree: unpacked.tree, name: 't.img' }, p).toString();
  return { ...unpacked, text };
}

describe('unpackSegments (the kernel initramfs unpacker semantics)', () => {
  it('lets a later segment override a file, merges directories and keeps the new directory mode', async () => {
    const img = await image(
      { records: [dir('etc', 0o700), file('etc/a', 'early a'), file('etc/b', 'only early')] },
      { records: [dir('etc', 0o755), file('etc/a', 'late a', 0o600)], format: 'zstd' },
    );
    const { tree, text, notes } = await unpack(img);
    expect([text('/etc/a'), text('etc/b')]).toEqual(['late a', 'only early']);
    expect(tree.get('/etc/a')?.mode).toBe(S_IFREG | 0o600);
    expect(tree.get('/etc/a')?.segment).toBe(1);
    expect((tree.get('/etc')?.mode ?? 0) & 0o7777).toBe(0o755);
    expect(tree.children('/etc')).toEqual(['a', 'b']);
    expect(notes).toEqual([]);
  });

  it('replaces a name of another type, but never a non-empty directory', async () => {
    const img = await image(
      { records: [file('x', 'file'), dir('d'), file('d/keep', 'k'), dir('e')] },
      { records: [link('x', 'elsewhere'), file('d', 'cannot replace'), file('e', 'replaces empty dir')] },
    );
    const { tree, notes, text } = await unpack(img);
    expect(tree.get('/x')).toMatchObject({ type: 'symlink', target: 'elsewhere' });
    expect(tree.get('/d')?.type).toBe('dir');
    expect(text('/e')).toBe('replaces empty dir');
    expect(notes).toEqual([{ path: 'd', message: expect.stringContaining('non-empty directory'), lost: true }]);
  });

  it('loses an entry whose parent directory is missing, as the kernel does', async () => {
    const { tree, notes } = await unpack(await image({ records: [file('no/such/dir/f', 'x')] }));
    expect(tree.paths()).toEqual(['/']);
    expect(notes).toEqual([{ path: 'no/such/dir/f', message: expect.stringContaining('parent directory does not exist'), lost: true }]);
  });

  it('shares content between hard links, and rewriting one name rewrites the other', async () => {
    const group = [
      { ...file('a', ''), ino: 7, nlink: 2 },
      { ...file('b', 'shared bytes'), ino: 7, nlink: 2 }, // GNU cpio puts the data on the last name
    ];
    const img = await image({ records: group }, { records: [file('a', 'rewritten')] });
    const { text, tree } = await unpack(img);
    expect([text('/a'), text('/b')]).toEqual(['rewritten', 'rewritten']);
    expect(tree.get('/a')?.content).toBe(tree.get('/b')?.content);
  });

  it('keeps an existing device node when the same name comes again', async () => {
    const img = await image({ records: [dir('dev'), chardev('dev/console', 5, 1)] }, { records: [dir('dev'), chardev('dev/console', 4, 64, 0o620)] });
    const node = (await unpack(img)).tree.get('/dev/console');
    expect([node?.rdevmajor, node?.rdevminor, (node?.mode ?? 0) & 0o777]).toEqual([5, 1, 0o620]);
  });

  it('resolves "..", absolute names and names through symlinks inside the image root, with a note each', async () => {
    const img = Buffer.concat([
      archive([dir('a'), link('up', '../../..'), link('abs', '/a'), file('../../../escape1', 'one'), file('up/escape2', 'two')]),
      rawArchive([{ name: '/abs/escape3', mode: S_IFREG | 0o644, data: Buffer.from('three') }]),
    ]);
    const { tree, notes, text } = await unpack(img);
    expect([text('/escape1'), text('/escape2'), text('/a/escape3')]).toEqual(['one', 'two', 'three']);
    expect(tree.paths()).toEqual(['/', '/a', '/a/escape3', '/abs', '/escape1', '/escape2', '/up']);
    expect(notes.map((n) => [n.path, n.lost])).toEqual([
      ['../../../escape1', false],
      ['up/escape2', false],
      ['/abs/escape3', false],
      ['/abs/escape3', false],
    ]);
  });

  it('treats "." as the root directory and follows symlink loops no further than the kernel', async () => {
    const img = await image({ records: [{ ...dir('.', 0o700) }, link('loop1', 'loop2'), link('loop2', 'loop1'), file('loop1/x', 'y')] });
    const { tree, notes } = await unpack(img);
    expect((tree.get('/')?.mode ?? 0) & 0o777).toBe(0o700);
    expect(tree.resolve('/loop1')).toBeUndefined();
    expect(notes.map((n) => [n.path, n.lost])).toEqual([['loop1/x', true]]);
  });
});
