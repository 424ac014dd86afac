// A real-sized tree (busybox and the storage and file system modules of the Debian kernel, ~50 MB):
// packed, compressed with every format, unpacked by the system decompressor and GNU cpio, and
// compared file by file with the sources; read back by our reader too.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/cpio/newc-reader.js';
import { compress } from '../../src/compress/compress.js';
import { packPlan } from '../../src/pack/pack-plan.js';
import type { Plan } from '../../src/assemble/plan.js';
import { PlanBuilder } from '../../src/assemble/plan-builder.js';
import { busyboxRoot, kmodDir, kver } from '../support/fixtures.js';

const SUBTREES = ['kernel/fs', 'kernel/drivers/block', 'kernel/drivers/ata', 'kernel/drivers/nvme', 'kernel/drivers/md', 'kernel/drivers/virtio'];
const scratch = mkdtempSync(join(tmpdir(), 'mkinitramfs-realtree-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
let plan: Plan;
let archive: Buffer;
/** image path -> sha256 of its source */
const expected = new Map<string, string>();

function addTree(b: PlanBuilder, diskDir: string, imageDir: string): void {
  for (const name of readdirSync(diskDir).sort()) {
    const disk = join(diskDir, name);
    const image = `${imageDir}/${name}`;
    if (statSync(disk).isDirectory()) addTree(b, disk, image);
    else {
      b.add({ type: 'file', path: image, mode: 0o644, source: disk, reasons: [{ why: 'real tree' }] });
      expected.set(image, sha(readFileSync(disk)));
    }
  }
}

beforeAll(() => {
  const b = new PlanBuilder(kver());
  for (const sub of SUBTREES) addTree(b, join(kmodDir(), sub), `/lib/modules/${kver()}/${sub}`);
  b.add({ type: 'file', path: '/bin/busybox', mode: 0o755, source: join(busyboxRoot(), 'bin/busybox'), reasons: [{ why: 'sh' }] });
  b.add({ type: 'hardlink', path: '/bin/sh', target: '/bin/busybox', reasons: [{ why: 'sh' }] });
  expected.set('/bin/busybox', sha(readFileSync(join(busyboxRoot(), 'bin/busybox'))));
  expected.set('/bin/sh', expected.get('/bin/busybox') as string);
  plan = b.build();
  const started = performance.now();
  archive = Buffer.concat(packPlan(plan, { mtime: 0 }));
  console.log(`packed ${plan.entries.length} entries, ${archive.length} bytes in ${(performance.now() - started).toFixed(0)} ms`);
});

function extractAndCompare(cpio: Buffer, name: string): void {
  const out = join(scratch, name);
  mkdirSync(out);
  execFileSync('cpio', ['-idm', '--quiet', '--no-absolute-filenames'], { input: cpio, cwd: out, maxBuffer: 1 << 30 });
  for (const [path, hash] of expected) expect(sha(readFileSync(join(out, path))), path).toBe(hash);
  expect(statSync(join(out, 'bin/sh')).ino).toBe(statSync(join(out, 'bin/busybox')).ino);
  rmSync(out, { recursive: true, force: true });
}

describe('packing a real tree', () => {
  it('is big enough to matter and reproducible', () => {
    expect(expected.size).toBeGreaterThan(200);
    expect(archive.length).toBeGreaterThan(40 * 1024 * 1024);
    expect(sha(Buffer.concat(packPlan(plan, { mtime: 0 })))).toBe(sha(archive));
  });

  it('GNU cpio extracts every file byte for byte', () => {
    extractAndCompare(archive, 'plain');
  });

  const DECOMPRESS = { gzip: ['gzip', '-dc'], zstd: ['zstd', '-dcq'], xz: ['xz', '-dc'], lz4: ['lz4', '-dcq'] } as const;
  it.each(['zstd', 'gzip', 'lz4', 'xz'] as const)('%s: round trip through the system tool, GNU cpio and our reader', { timeout: 300_000 }, async (format) => {
    const started = performance.now();
    const packed = await compress(archive, { format });
    const took = performance.now() - started;
    console.log(`${format}: ${archive.length} -> ${packed.length} bytes in ${took.toFixed(0)} ms`);
    const [tool, ...args] = DECOMPRESS[format];
    const unpacked = execFileSync(tool, args, { input: packed, maxBuffer: 1 << 30 });
    expect(unpacked.equals(archive)).toBe(true);
    extractAndCompare(unpacked, format);
    const segments = await readImage(packed, `real.${format}`);
    expect(segments).toHaveLength(1);
    const files = segments[0]?.entries.filter((e) => e.type === 'file' && e.size > 0) ?? [];
    expect(files).toHaveLength(expected.size - 1); // busybox's first name carries no data
    for (const e of files) expect(sha(e.data)).toBe(expected.get(`/${e.path}`));
  });
});
