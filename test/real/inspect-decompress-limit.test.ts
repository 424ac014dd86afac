// The decompression limit on real images the tool builds from the fixture kernel: the default reads
// them whole, and --max-decompressed is exact: the image's decompressed size (as the system's own
// decompressor gives it) passes, one byte less is refused with the message that names the limit.
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, buildFixtureImage, runCli } from '../support/build-image.js';

const DECOMPRESS = { gzip: ['gzip', '-dc'], zstd: ['zstd', '-dcq'] } as const;

describe.each(['gzip', 'zstd'] as const)('a generic %s image of the fixture kernel', (format) => {
  const img = buildFixtureImage(`limit-${format}`, ['-N', '--compress', format, '--no-early-microcode']);
  const [tool, ...args] = DECOMPRESS[format];
  const decompressed = execFileSync(tool, [...args, img], { maxBuffer: 2 ** 31 }).length;
  afterAll(() => rmSync(dirname(img), { recursive: true, force: true }));

  it('reads whole under the default limit, and verifies', () => {
    expect(decompressed).toBeGreaterThan(3 * statSync(img).size); // a real image, not a toy
    expect(runCli(['ls', img])).toMatch(new RegExp(`^segment 1: ${format}, offset 0, `));
    expect(runCli(['verify', img])).toContain('no problems found');
  });

  it('--max-decompressed at its exact size reads it; one byte less stops with one line naming the limit', () => {
    expect(runCli(['ls', '--max-decompressed', String(decompressed), img])).toContain('/init');
    const res = spawnSync(process.execPath, [CLI, 'cat', '--max-decompressed', String(decompressed - 1), img, '/init'], { encoding: 'utf8' });
    expect(res.status).toBe(14);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^mkinitramfs-ts: ${img}: ${format} segment at offset 0: decompressed data passes .* the limit \\(set by --max-decompressed\\); stopped there\\. If the image is genuine, raise the limit with --max-decompressed SIZE`)),
    ]);
  });
});
