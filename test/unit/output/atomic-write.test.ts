import { chmodSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../../src/errors.js';
import { writeImageAtomically } from '../../../src/output/atomic-write.js';
import { tempDir } from '../pack/helpers.js';

const parts = [Buffer.from('early-'), Buffer.from('main')];

describe('writeImageAtomically', () => {
  it('writes the parts in order, mode 0600, and leaves no temp file', async () => {
    const dir = tempDir();
    const target = join(dir, 'initrd.img');
    const umask = process.umask(0);
    try {
      await writeImageAtomically(target, parts, { force: false });
    } finally {
      process.umask(umask);
    }
    expect(readFileSync(target, 'utf8')).toBe('early-main');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['initrd.img']);
  });

  it('refuses to overwrite without force, and replaces with force', async () => {
    const dir = tempDir();
    const target = join(dir, 'initrd.img');
    writeFileSync(target, 'old', { mode: 0o644 });
    await expect(writeImageAtomically(target, parts, { force: false })).rejects.toThrow(OutputError);
    await expect(writeImageAtomically(target, parts, { force: false })).rejects.toThrow(`${target} exists: use --force to overwrite`);
    expect(readFileSync(target, 'utf8')).toBe('old');
    await writeImageAtomically(target, parts, { force: true });
    expect(readFileSync(target, 'utf8')).toBe('early-main');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['initrd.img']);
  });

  it('runs the verifier on the complete temp file before the rename; a failure keeps the old image', async () => {
    const dir = tempDir();
    const target = join(dir, 'initrd.img');
    writeFileSync(target, 'old');
    let seen: { path: string; content: string; mode: number } | undefined;
    const verify = (path: string): void => {
      seen = { path, content: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777 };
      throw new OutputError(`${path}: verification failed`);
    };
    await expect(writeImageAtomically(target, parts, { force: true, verify })).rejects.toThrow(/verification failed/);
    expect(seen?.content).toBe('early-main');
    expect(seen?.mode).toBe(0o600);
    expect(seen?.path.startsWith(join(dir, '.initrd.img.'))).toBe(true);
    expect(existsSync(seen?.path ?? '')).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['initrd.img']);
    // an async verifier that passes lets the image through
    await writeImageAtomically(target, parts, { force: true, verify: async () => undefined });
    expect(readFileSync(target, 'utf8')).toBe('early-main');
  });

  it('fails with an OutputError for a missing directory or a directory as target', async () => {
    const dir = tempDir();
    await expect(writeImageAtomically(join(dir, 'nope', 'initrd.img'), parts, { force: true })).rejects.toThrow(
      `${join(dir, 'nope')}: no such directory`,
    );
    await expect(writeImageAtomically(dir, parts, { force: true })).rejects.toThrow(`${dir} is a directory`);
  });

  it('replaces a symlinked target itself and never writes to the file it points at', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'victim'), 'precious');
    symlinkSync(join(elsewhere, 'victim'), join(dir, 'initrd.img'));
    await writeImageAtomically(join(dir, 'initrd.img'), parts, { force: true });
    expect(readFileSync(join(elsewhere, 'victim'), 'utf8')).toBe('precious');
    expect(readdirSync(elsewhere)).toEqual(['victim']);
    expect(lstatSync(join(dir, 'initrd.img')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'initrd.img'), 'utf8')).toBe('early-main');
    expect(readdirSync(dir)).toEqual(['initrd.img']);
    // a dangling link is a taken name too: not replaced without --force
    symlinkSync(join(elsewhere, 'nothing'), join(dir, 'dangling'));
    await expect(writeImageAtomically(join(dir, 'dangling'), parts, { force: false })).rejects.toThrow(`${join(dir, 'dangling')} exists`);
  });

  it('refuses a folder other users may write to, unless it has the sticky bit', async () => {
    for (const [mode, who] of [
      [0o777, 'all users'],
      [0o775, 'its group'],
    ] as const) {
      const dir = tempDir();
      chmodSync(dir, mode);
      await expect(writeImageAtomically(join(dir, 'initrd.img'), parts, { force: true })).rejects.toThrow(
        `${dir}: folder is writable by ${who}: write the image to a folder only its owner can write to`,
      );
      expect(readdirSync(dir)).toEqual([]);
    }
    const sticky = tempDir();
    chmodSync(sticky, 0o1777);
    await writeImageAtomically(join(sticky, 'initrd.img'), parts, { force: true });
    expect(readFileSync(join(sticky, 'initrd.img'), 'utf8')).toBe('early-main');
  });
});
