// Atomic output on real file system failures: a full tmpfs (ENOSPC) and a read-only mount. Needs root
// to mount, as the test bed has.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.js';
import { writeImageAtomically } from '../../src/output/atomic-write.js';

const scratch = mkdtempSync(join(tmpdir(), 'mkinitramfs-atomic-'));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) execFileSync('umount', [m]);
  rmSync(scratch, { recursive: true, force: true });
});

function tmpfs(name: string, options: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

describe('writeImageAtomically on failing file systems', () => {
  it('a full disk: OutputError, old image unchanged, no temp file left', async () => {
    const dir = tmpfs('small', 'size=256k');
    const target = join(dir, 'initrd.img');
    writeFileSync(target, 'old image');
    const big = Buffer.alloc(1024 * 1024, 7);
    const attempt = writeImageAtomically(target, [Buffer.from('x'), big], { force: true });
    await expect(attempt).rejects.toThrow(OutputError);
    await expect(writeImageAtomically(target, [big], { force: true })).rejects.toThrow(`${target}: no space left on device`);
    expect(readFileSync(target, 'utf8')).toBe('old image');
    expect(readdirSync(dir)).toEqual(['initrd.img']);
  });

  it('a read-only directory: OutputError naming it, old image unchanged', async () => {
    const dir = tmpfs('ro', 'size=256k');
    writeFileSync(join(dir, 'initrd.img'), 'old image');
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    await expect(writeImageAtomically(join(dir, 'initrd.img'), [Buffer.from('new')], { force: true })).rejects.toThrow(
      `${dir}: cannot write there, a read-only file system: remount it read-write or choose another output path`,
    );
    expect(readFileSync(join(dir, 'initrd.img'), 'utf8')).toBe('old image');
    expect(readdirSync(dir)).toEqual(['initrd.img']);
  });
});
