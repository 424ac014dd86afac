// relocateSymlink: a link copied from a split-/usr sysroot keeps pointing at the same file once the
// image's merged /usr moved it and its target. Checked on real directories: the link is read through
// once in a split tree and once, relocated, in a merged tree (/lib -> usr/lib ...), by the kernel.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalImagePath, MERGED_USR } from '../../../src/assemble/image-layout.js';
import { relocateSymlink } from '../../../src/assemble/relocate.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Every file of `files` at its path in a split tree; returns what reading `link -> target` gives. */
function readSplit(files: string[], link: string, target: string): string {
  const root = mkdtempSync(join(tmpdir(), 'reloc-split-'));
  dirs.push(root);
  for (const f of files) {
    mkdirSync(join(root, dirname(f)), { recursive: true });
    writeFileSync(join(root, f), `content of ${f}`);
  }
  mkdirSync(join(root, dirname(link)), { recursive: true });
  symlinkSync(target.startsWith('/') ? join(root, target) : target, join(root, link));
  return readFileSync(join(root, link), 'utf8');
}

/** The same files at their canonical paths in a merged tree, the relocated link read through. */
function readMerged(files: string[], link: string, target: string): string {
  const root = mkdtempSync(join(tmpdir(), 'reloc-merged-'));
  dirs.push(root);
  for (const d of ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64']) mkdirSync(join(root, d), { recursive: true });
  for (const [top, t] of Object.entries(MERGED_USR)) symlinkSync(t, join(root, top));
  for (const f of files) {
    const c = canonicalImagePath(f);
    mkdirSync(join(root, dirname(c)), { recursive: true });
    writeFileSync(join(root, c), `content of ${f}`);
  }
  const r = relocateSymlink(link, target);
  expect(r.path).toBe(canonicalImagePath(link));
  mkdirSync(join(root, dirname(r.path)), { recursive: true });
  symlinkSync(r.target.startsWith('/') ? join(root, r.target) : r.target, join(root, r.path));
  // read it through the path the sysroot had too (/lib/... is a link into /usr in the image)
  expect(readFileSync(join(root, link), 'utf8')).toBe(readFileSync(join(root, r.path), 'utf8'));
  return readFileSync(join(root, r.path), 'utf8');
}

describe('relocateSymlink keeps links pointing at the same file', () => {
  const cases: [string, string[], string, string][] = [
    ['same-dir relative', ['/lib/x86_64-linux-gnu/libz.so.1.2.13'], '/lib/x86_64-linux-gnu/libz.so.1', 'libz.so.1.2.13'],
    ['from /lib up into /usr/lib', ['/usr/lib/x86_64-linux-gnu/libfoo.so.1.0'], '/lib/x86_64-linux-gnu/libfoo.so.1', '../../usr/lib/x86_64-linux-gnu/libfoo.so.1.0'],
    ['from /usr/bin down into /bin', ['/bin/busybox'], '/usr/bin/sh', '../../bin/busybox'],
    ['from /sbin across to /lib', ['/lib/systemd/systemd-udevd'], '/sbin/udevd', '../lib/systemd/systemd-udevd'],
    ['from /lib64 to /lib', ['/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'], '/lib64/ld-linux-x86-64.so.2', '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'],
    ['a target with ./ and a detour', ['/usr/share/zoneinfo/UTC'], '/etc/localtime', './../usr/./share/zoneinfo/../zoneinfo/UTC'],
    ['an untouched dir pointing into /lib', ['/lib/modules/k/modules.dep'], '/etc/modules.dep', '../lib/modules/k/modules.dep'],
    ['absolute target into /bin', ['/bin/kmod'], '/sbin/modprobe', '/bin/kmod'],
    ['absolute target from /usr to /lib', ['/lib/firmware/a.bin'], '/usr/share/fw.bin', '/lib/firmware/a.bin'],
  ];
  for (const [name, files, link, target] of cases) {
    it(name, () => {
      const before = readSplit(files, link, target);
      expect(before).toBe(`content of ${files[0]}`);
      expect(readMerged(files, link, target)).toBe(before);
    });
  }

  it('keeps relative targets relative and absolute ones absolute, in canonical form', () => {
    expect(relocateSymlink('/lib/x86_64-linux-gnu/libfoo.so.1', '../../usr/lib/x86_64-linux-gnu/libfoo.so.1.0')).toEqual({
      path: '/usr/lib/x86_64-linux-gnu/libfoo.so.1',
      target: 'libfoo.so.1.0',
    });
    expect(relocateSymlink('/sbin/modprobe', '/bin/kmod')).toEqual({ path: '/usr/sbin/modprobe', target: '/usr/bin/kmod' });
  });

  it('".." beyond the root stops at the root, as the kernel resolves it in the image', () => {
    // /lib/../../../.. is / (the image root), so the target is /usr/lib/b, a sibling of /usr/lib/a
    expect(relocateSymlink('/lib/a', '../../../../../usr/lib/b')).toEqual({ path: '/usr/lib/a', target: 'b' });
  });
});
