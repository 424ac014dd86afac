// A name swapped for a symlink between its creation and its metadata step must not carry the owner,
// mode or times over to what the symlink points at (the review turned a root-owned 0600 file into
// -rw-rw-rw- nobody that way). The swap is done by hand here, where a real race would be luck.
import { chownSync, closeSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { S_IFDIR, S_IFREG } from '../../../src/cpio/newc-format.js';
import { applyMetadata, createFile, setDirMetadata } from '../../../src/inspect/extract-metadata.js';
import type { TreeNode } from '../../../src/inspect/tree-node.js';
import { tempDir } from './image-builder.js';

const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const node = (mode: number): TreeNode => ({ type: (mode & S_IFDIR) === S_IFDIR ? 'dir' : 'file', mode, uid: NOBODY, gid: NOBODY, mtime: 1_000_000_000, rdevmajor: 0, rdevminor: 0, segment: 0 });

/** A file only its owner (the caller) may read, as /etc/shadow is root's. */
function victim(base: string): string {
  const path = join(base, 'victim');
  writeFileSync(path, 'secret', { mode: 0o600 });
  return path;
}

function _thrown(f: () => void): string {
  try {
    f();
  } catch (err) {
    return String(err);
  }
  return 'nothing thrown';
}

const identity = (path: string) => {
  const st = lstatSync(path);
  return [st.mode & 0o7777, st.uid, st.gid, st.mtimeMs];
};

describe('extract metadata never follows a swapped name', () => {
  it('a directory replaced by a symlink: refused, the symlink target keeps its owner, mode and times', () => {
    const base = tempDir();
    const victimDir = join(base, 'victim-dir');
    mkdirSync(victimDir, { mode: 0o700 });
    for (const target of [victim(base), victimDir]) {
      const before = identity(target);
      const dir = join(base, 'dir');
      mkdirSync(dir, { mode: 0o700 });
      renameSync(dir, join(base, `moved-${before[0]}`)); // the swap
      symlinkSync(target, dir);
      const thrown = _thrown(() => setDirMetadata(dir, node(S_IFDIR | 0o777), asRoot));
      expect(identity(target)).toEqual(before);
      expect(thrown).toMatch(/ELOOP|ENOTDIR/);
      rmSync(dir);
    }
  });

  it('works on the descriptor: a path swapped after opening changes the file we opened, never the symlink target', () => {
    const base = tempDir();
    const target = victim(base);
    const before = identity(target);
    const ours = join(base, 'ours');
    writeFileSync(ours, 'extracted', { mode: 0o600 });
    const fd = openSync(ours, 'r');
    try {
      renameSync(ours, join(base, 'moved'));
      symlinkSync(target, ours);
      applyMetadata(fd, node(S_IFREG | 0o666), asRoot);
    } finally {
      closeSync(fd);
    }
    expect(identity(target)).toEqual(before);
    expect(identity(join(base, 'moved'))).toEqual([0o666, ...(asRoot ? [NOBODY, NOBODY] : [process.getuid?.(), process.getgid?.()]), 1_000_000_000_000]);
  });

  it('a file is never created through a name already there, a symlink included', () => {
    const base = tempDir();
    const target = victim(base);
    if (asRoot) chownSync(target, 0, 0);
    const before = identity(target);
    symlinkSync(target, join(base, 'planted'));
    expect(() => createFile(join(base, 'planted'), Buffer.from('pwned'), node(S_IFREG | 0o666), asRoot)).toThrow(/EEXIST/);
    expect(identity(target)).toEqual(before);
    expect(readFileSync(target, 'utf8')).toBe('secret');
  });
});
