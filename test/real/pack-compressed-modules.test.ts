// The real Debian 6.1 kernel with every module recompressed (.ko.xz and .ko.zst in turn, then
// depmod'ed, test/fixtures/recompressed-kernel.sh): its generic image is byte for byte the image of
// the same kernel with plain .ko files — every module stored decompressed, under the same names, with
// the same modules.dep — and it passes verify.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSysroot, kver } from '../support/fixtures.js';
import { runCli } from '../support/build-image.js';

const RECOMPRESS = fileURLToPath(new URL('../fixtures/recompressed-kernel.sh', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-compressed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let compressedRoot: string;
const build = (sysroot: string, name: string): string => {
  const out = join(scratch, name);
  runCli(['build', '-N', '--sysroot', sysroot, '--kver', kver(), '-o', out, '--compress', 'none'], { SOURCE_DATE_EPOCH: '1700000000' });
  return out;
};

beforeAll(() => {
  compressedRoot = execFileSync('bash', [RECOMPRESS], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}, 600_000);

describe('a kernel with compressed modules', () => {
  it('the fixture really is compressed, in both formats', () => {
    const dep = readFileSync(join(compressedRoot, 'usr/lib/modules', kver(), 'modules.dep'), 'utf8');
    for (const suffix of ['.ko.xz:', '.ko.zst:']) expect(dep).toContain(suffix);
    expect(dep).not.toMatch(/\.ko:/);
  });

  it('gives the byte-identical generic image, and it verifies', () => {
    const plain = readFileSync(build(buildSysroot(), 'plain.img'));
    const fromCompressed = build(compressedRoot, 'compressed.img');
    const bytes = readFileSync(fromCompressed);
    expect(bytes.length).toBe(plain.length);
    expect(bytes.equals(plain)).toBe(true);
    expect(runCli(['verify', '--kver', kver(), fromCompressed])).toContain('no problems found');
    const listing = runCli(['ls', fromCompressed]);
    expect(listing).toMatch(/kernel\/drivers\/block\/virtio_blk\.ko\n/);
    expect(listing).not.toMatch(/\.ko\.(xz|zst|gz)\n/);
  }, 300_000);
});
