// Fuzz: the newc reader, segment and compression detection, and the image loader, on images built by
// the real writer and compressors, then mutated; plus generated archives.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNewcArchive } from '../../../src/cpio/newc-parse.js';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG } from '../../../src/cpio/newc-format.js';
import { SegmentEndError, bzip2StreamEnd, lz4LegacyEnd, xzStreamEnd, zstdFrameEnd } from '../../../src/compress/segment-end.js';
import { detectCompression } from '../../../src/compress/detect-compression.js';
import { imageFromSegments } from '../../../src/inspect/load-image.js';
import { archive, dir, file, image, link, rawArchive } from '../inspect/image-builder.js';
import { expectTypedAsync, expectTypedSync, mutate, mutationsArb, params, report } from './fuzz-kit.js';

const RECORDS = [
  dir('bin'),
  file('bin/sh', Buffer.alloc(300, 7), 0o755),
  link('bin/ash', 'sh'),
  { ...file('lib/a.so', 'same inode'), ino: 900, nlink: 2 },
  { ...file('lib/b.so', ''), ino: 900, nlink: 2 },
  dir('lib'),
  file('init', '#!/bin/sh\nexec /bin/sh\n', 0o755),
];

let plain: Buffer;
let multi: Buffer;

beforeAll(async () => {
  plain = archive(RECORDS);
  // early microcode-like cpio, then compressed segments (each a real compressor's output)
  multi = await image(
    { records: [dir('kernel'), file('kernel/x86', 'ucode')] },
    { records: RECORDS, format: 'gzip' },
    { records: [file('etc/a', 'b')], format: 'zstd' },
    { records: [file('etc/c', 'd')], format: 'xz' },
    { records: [file('etc/e', 'f')], format: 'lz4' },
  );
  // bzip2 and lzma segments the kernel reads but our packer does not write: made by the tools
  const tool = (cmd: string): Buffer => execFileSync(cmd, ['-c'], { input: archive([file(`etc/${cmd}`, cmd)]) });
  multi = Buffer.concat([multi, tool('bzip2'), tool('lzma')]);
});

/** Everything the inspect commands do with an image before they look at single files. */
async function loadBytes(bytes: Buffer): Promise<void> {
  const segments = await readImage(bytes, 'fuzz.img');
  const loaded = imageFromSegments(segments, 'fuzz.img', bytes.length);
  for (const path of loaded.tree.paths()) loaded.tree.lookup(path);
}

describe('fuzz: cpio newc reader', () => {
  it('mutated uncompressed archives: parse or BadImageError', () => {
    const runs = 30000;
    const t0 = performance.now();
    fc.assert(
      fc.property(mutationsArb, (ms) => {
        const bytes = mutate(plain, ms);
        expectTypedSync(() => parseNewcArchive(bytes, 0, 'fuzz'));
      }),
      params(runs),
    );
    report('newc-parse (mutated)', runs, t0);
  });

  it('generated archives: parse or BadImageError, and the names come back', () => {
    const runs = 15000;
    const t0 = performance.now();
    const mode = fc.constantFrom(S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, 0, 0o170000);
    const rec = fc.record({
      name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\0')),
      mode: fc.tuple(mode, fc.integer({ min: 0, max: 0o7777 })).map(([t, p]) => t | p),
      data: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
    });
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 8 }), (records) => {
        const bytes = rawArchive(records);
        let parsed: ReturnType<typeof parseNewcArchive> | undefined;
        if (expectTypedSync(() => (parsed = parseNewcArchive(bytes, 0, 'fuzz'))) !== undefined) return;
        // a valid archive reads back as written (the model: the records themselves)
        expect(parsed?.entries.map((e) => e.path)).toEqual(records.map((r) => r.name));
        expect(parsed?.hasTrailer).toBe(true);
      }),
      params(runs),
    );
    report('newc-parse (generated)', runs, t0);
  });
});

describe('fuzz: image loader (segments, compression detection, tree)', () => {
  it('mutated multi-segment images: load or a typed error, never a hang', async () => {
    const runs = 2000;
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(mutationsArb, async (ms) => {
        const bytes = mutate(multi, ms);
        await expectTypedAsync(() => loadBytes(bytes));
      }),
      params(runs),
    );
    report('readImage+tree (mutated)', runs, t0);
  });

  it('detectCompression is total on any bytes and offset', () => {
    const runs = 50000;
    const t0 = performance.now();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }), fc.integer({ min: -4, max: 32 }), (bytes, off) => {
        expectTypedSync(() => detectCompression(Buffer.from(bytes), off));
      }),
      params(runs),
    );
    report('detectCompression', runs, t0);
  });
});

describe('fuzz: segment ends (zstd, xz, lz4, bzip2 framing)', () => {
  it('random and mutated frames: an end within the data or a SegmentEndError', () => {
    const runs = 20000;
    const t0 = performance.now();
    const finders = [zstdFrameEnd, xzStreamEnd, lz4LegacyEnd, bzip2StreamEnd];
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 2, 3), fc.uint8Array({ maxLength: 200 }), mutationsArb, (which, tail, ms) => {
        const finder = finders[which] as (b: Buffer, s: number) => number;
        const bytes = mutate(Buffer.concat([multi.subarray(0, 0), Buffer.from(tail), multi]), ms);
        // callers look for an end only after a magic of at least 4 bytes matched at `start`
        for (let start = 0; start + 4 <= Math.min(bytes.length, 12); start++) {
          try {
            const end = finder(bytes, start);
            if (!(end > start && end <= bytes.length)) throw new Error(`end ${end} outside (${start}, ${bytes.length}]`);
          } catch (err) {
            if (!(err instanceof SegmentEndError)) throw err;
          }
        }
      }),
      params(runs),
    );
    report('segment-end', runs, t0);
  });
});
