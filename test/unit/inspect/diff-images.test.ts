import { describe, expect, it } from 'vitest';
import { diffImages } from '../../../src/inspect/diff-images.js';
import { makeKo } from '../../support/make-ko.js';
import { chardev, dir, file, image, link, parents, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';

const KDIR = 'usr/lib/modules/6.1.0-test/kernel';
const ko = (name: string): ReturnType<typeof file> => file(`${KDIR}/${name}.ko`, makeKo({ modinfo: [['name', name.replaceAll('-', '_')]] }));

describe('mkinitramfs-ts diff', () => {
  it('reports paths added, removed and changed, module names gained and lost, and sizes', async () => {
    const a = await image({
      records: [
        ...parents(`${KDIR}/x`),
        ko('ext4'),
        ko('nvme-core'),
        file('same', 'same'),
        file('content', 'one'),
        file('mode', 'm', 0o644),
        link('target', 'a'),
        file('retyped', 'file'),
        file('only-a', 'aaaa'),
        dir('dev'),
        chardev('dev/console', 5, 1),
      ],
    });
    const b = await image(
      { records: [dir('early')] },
      {
        records: [
          ...parents(`${KDIR}/x`),
          ko('ext4'),
          ko('virtio_blk'),
          file('same', 'same'),
          file('content', 'two!'),
          file('mode', 'm', 0o755),
          link('target', 'b'),
          link('retyped', 'file'),
          file('only-b', 'b'),
          dir('dev'),
          chardev('dev/console', 4, 1),
        ],
        format: 'gzip',
      },
    );
    const [pa, pb] = [writeTemp(a, 'a.img'), writeTemp(b, 'b.img')];
    const { code, out } = await runCli('diff', '--json', pa, pb);
    expect(code).toBe(0);
    const diff = JSON.parse(out) as ReturnType<typeof diffImages>;
    expect(diff.added).toEqual(['/early', '/only-b', `/${KDIR}/virtio_blk.ko`]);
    expect(diff.removed).toEqual(['/only-a', `/${KDIR}/nvme-core.ko`]);
    expect(diff.changed).toEqual([
      { path: '/content', changes: [expect.stringMatching(/^content sha256 [0-9a-f]{16} \(3 bytes\) -> [0-9a-f]{16} \(4 bytes\)$/)] },
      { path: '/dev/console', changes: ['device 5,1 -> 4,1'] },
      { path: '/mode', changes: ['mode -rw-r--r-- -> -rwxr-xr-x'] },
      { path: '/retyped', changes: ['type file -> symlink'] },
      { path: '/target', changes: ['target a -> b'] },
    ]);
    expect(diff.modules).toEqual({ added: ['virtio_blk'], removed: ['nvme_core'] });
    expect(diff.sizes.a.fileSize).toBe(a.length);
    expect(diff.sizes.fileDelta).toBe(b.length - a.length);
    const koSize = (n: string) => makeKo({ modinfo: [['name', n]] }).length;
    expect(diff.sizes.unpackedDelta).toBe(koSize('virtio_blk') - koSize('nvme_core') + 1 /* two! */ - 4 /* aaaa */ + 1 /* b */ - 4 /* retyped */);
  });

  it('prints a readable summary, and nothing changed for an image against itself', async () => {
    const bytes = await image({ records: [file('a', 'x')] });
    const path = writeTemp(bytes);
    const { out } = await runCli('diff', path, path);
    const n = bytes.length;
    expect(out).toBe(`modules: 0 added, 0 removed\npaths: 0 added, 0 removed, 0 changed\nimage size: ${n} -> ${n} bytes (0)\nunpacked size: 1 -> 1 bytes (0)\n`);
  });

  it('lists each difference on its own line in the text form', async () => {
    const a = writeTemp(await image({ records: [file('x', '1'), ...parents(`${KDIR}/x`), ko('ext4')] }), 'a.img');
    const b = writeTemp(await image({ records: [file('y', '1')] }), 'b.img');
    const { out } = await runCli('diff', a, b);
    expect(out.split('\n').slice(0, 3)).toEqual(['- /usr', '- /usr/lib', '- /usr/lib/modules']);
    expect(out).toContain('+ /y\n');
    expect(out).toContain(`modules: 0 added, 1 removed\n  only in ${a}: ext4\n`);
  });
});
