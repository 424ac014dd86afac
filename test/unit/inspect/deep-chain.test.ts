// A 3000-deep directory chain: unpacking and looking a path up are linear in the depth (they were
// cubic: 14 s for cat and verify). Checked by counting work, not by the clock: every tree lookup is a
// Map.get, and the old component-by-component walk made one per component of every path, so doubling
// the depth quadrupled them. Speed itself is the benchmark's business (npm run bench).
import { describe, expect, it } from 'vitest';
import { S_IFDIR, S_IFREG } from '../../../src/cpio/newc-format.js';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { fileBytes } from '../../../src/inspect/cat-file.js';
import { unpackSegments } from '../../../src/inspect/kernel-unpack.js';
import { rawArchive } from './image-builder.js';

/** An image of a `depth`-deep directory chain with a file "f" at the bottom, and that file's path. */
async function chain(depth: number) {
  const dirs = Array.from({ length: depth }, (_, i) => ({ name: Array(i + 1).fill('d').join('/'), mode: S_IFDIR | 0o755 }));
  const deepest = dirs[dirs.length - 1]?.name ?? '';
  const bytes = rawArchive([...dirs, { name: `${deepest}/f`, mode: S_IFREG | 0o644, data: Buffer.from('hi') }]);
  return { segments: await readImage(bytes, 'deep.img'), file: `/${deepest}/f` };
}

/** How many Map lookups `f` makes (the tree's and any other), counted by wrapping Map.prototype.get. */
function mapLookups(f: () => void): number {
  const get = Map.prototype.get;
  let count = 0;
  Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
    count++;
    return get.call(this, key);
  };
  try {
    f();
  } finally {
    Map.prototype.get = get;
  }
  return count;
}

describe('a 3000-deep directory chain', () => {
  it('unpacks, and cat finds the file at the bottom', async () => {
    const { segments, file } = await chain(3000);
    const { tree } = unpackSegments(segments);
    expect(fileBytes({ tree, name: 'deep.img' }, file).toString()).toBe('hi');
    expect(tree.size).toBe(3002);
  });

  it('costs lookups linear in the depth: twice as deep, about twice the work (the walk made it four times)', async () => {
    const work = async (depth: number): Promise<number> => {
      const { segments, file } = await chain(depth);
      return mapLookups(() => fileBytes({ tree: unpackSegments(segments).tree, name: 'deep.img' }, file));
    };
    const [n, twice] = [await work(1000), await work(2000)];
    expect(twice / n).toBeLessThan(2.5);
  });
});

describe('extract and the path limits', () => {
  it('refuses a path over PATH_MAX or a name over NAME_MAX before writing anything', async () => {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { runCli } = await import('./run-cli.js');
    const { tempDir, writeTemp } = await import('./image-builder.js');
    const dirs = Array.from({ length: 2100 }, (_, i) => ({ name: Array(i + 1).fill('d').join('/'), mode: S_IFDIR | 0o755 }));
    const long = writeTemp(rawArchive([{ name: 'a', mode: S_IFDIR | 0o755 }, { name: `a/${'n'.repeat(256)}`, mode: S_IFREG | 0o644 }]));
    for (const [img, message] of [[writeTemp(rawArchive(dirs)), 'over PATH_MAX (4096)'], [long, 'exceeds NAME_MAX (255)']] as const) {
      const out = join(tempDir(), 'x');
      const { code, err } = await runCli('extract', img, out);
      expect(code).toBe(12);
      expect(err).toContain(message);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
  });
});
