// The .note.dlopen reader on Debian 13's real systemd 257, against readelf's dump of the same notes.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTE_DLOPEN_TYPE, readDlopenNotes } from '../../src/elf/dlopen-notes.js';
import { ElfFile } from '../../src/elf/elf-file.js';
import { resolveBinaries } from '../../src/elf/library-resolver.js';
import { FsHost } from '../../src/host/fs-host.js';
import { debianRoot, trixieRoot } from '../support/fixtures.js';

const SHARED = 'usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so';

/** readelf's string dump of .note.dlopen: every JSON array it holds, parsed (the oracle). */
function readelfDlopen(file: string): unknown[] {
  const dump = execFileSync('readelf', ['-p', '.note.dlopen', file], { encoding: 'utf8' });
  return dump
    .split('\n')
    .map((l) => /^\s*\[\s*[0-9a-f]+\]\s+(\[\{.*\}\])\s*$/.exec(l)?.[1])
    .filter((j): j is string => j !== undefined)
    .flatMap((j) => JSON.parse(j) as unknown[]);
}

describe('readDlopenNotes on systemd 257', () => {
  it('reads every dlopen dependency of libsystemd-shared-257.so as readelf dumps it', () => {
    const file = join(trixieRoot(), SHARED);
    const deps = readDlopenNotes(ElfFile.fromBytes(readFileSync(file), file));
    const oracle = readelfDlopen(file) as { feature: string; description: string; priority: string; soname: string[] }[];
    expect(oracle.length).toBeGreaterThan(10);
    expect(deps).toEqual(oracle.map((o) => ({ feature: o.feature, description: o.description, priority: o.priority, sonames: o.soname })));
    const sonames = deps.flatMap((d) => d.sonames);
    for (const s of ['libcryptsetup.so.12', 'libtss2-esys.so.0', 'libkmod.so.2']) expect(sonames).toContain(s);
    expect(deps.find((d) => d.sonames.includes('libkmod.so.2'))?.priority).toBe('recommended');
  });

  it('finds none in systemd 252 (Debian 12), which links its libraries instead', () => {
    const file = join(debianRoot(), 'usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so');
    expect(readDlopenNotes(ElfFile.fromBytes(readFileSync(file), file))).toEqual([]);
  });
});

describe('resolveBinaries with dlopen libraries', () => {
  it('brings libkmod (recommended) for systemd 257 only when asked, and the suggested ones never', () => {
    const host = new FsHost({ root: trixieRoot() });
    const paths = (opts: Parameters<typeof resolveBinaries>[2]): string[] => resolveBinaries(host, ['/usr/lib/systemd/systemd'], opts).map((f) => f.path);
    const plain = paths({});
    expect(plain.some((p) => p.includes('libkmod.so'))).toBe(false);
    const withDlopen = resolveBinaries(host, ['/usr/lib/systemd/systemd'], { dlopen: (d) => d.priority !== 'suggested' });
    const kmod = withDlopen.find((f) => f.kind === 'file' && f.path.includes('libkmod.so'));
    expect(kmod?.reason).toMatch(/may dlopen \(kmod, recommended\)/);
    expect(kmod?.via).toBe(`/${SHARED}`);
    // libkmod's own DT_NEEDED come along (liblzma, libzstd...), as ld.so would load them at dlopen time
    const lzma = withDlopen.find((f) => f.path.includes('liblzma.so'));
    expect(lzma).toBeDefined();
    expect(withDlopen.some((f) => f.path.includes('libcryptsetup'))).toBe(false);
  });
});

describe('a corrupt .note.dlopen in a library', () => {
  /** A root with Debian 12's /usr/bin/true and its libraries, where libc carries a .note.dlopen that is not JSON. */
  function rootWithCorruptNote(): string {
    const root = mkdtempSync(join(tmpdir(), 'dlopen-corrupt-'));
    const lib = 'usr/lib/x86_64-linux-gnu';
    mkdirSync(join(root, lib), { recursive: true });
    mkdirSync(join(root, 'usr/bin'));
    mkdirSync(join(root, 'lib64'));
    symlinkSync('usr/lib', join(root, 'lib'));
    copyFileSync(join(debianRoot(), 'usr/bin/true'), join(root, 'usr/bin/true'));
    copyFileSync(join(debianRoot(), lib, 'ld-linux-x86-64.so.2'), join(root, lib, 'ld-linux-x86-64.so.2'));
    symlinkSync(`/${lib}/ld-linux-x86-64.so.2`, join(root, 'lib64/ld-linux-x86-64.so.2'));
    const desc = Buffer.from('not json\0\0\0\0');
    const note = Buffer.alloc(16);
    note.writeUInt32LE(4, 0);
    note.writeUInt32LE(desc.length, 4);
    note.writeUInt32LE(NOTE_DLOPEN_TYPE, 8);
    note.write('FDO\0', 12, 'latin1');
    const noteFile = join(root, 'note.bin');
    writeFileSync(noteFile, Buffer.concat([note, desc]));
    execFileSync('objcopy', ['--add-section', `.note.dlopen=${noteFile}`, join(debianRoot(), lib, 'libc.so.6'), join(root, lib, 'libc.so.6')]);
    return root;
  }

  it('does not fail a build that asks for no dlopen libraries, and names the library when one does', () => {
    const root = rootWithCorruptNote();
    try {
      const host = new FsHost({ root });
      const files = resolveBinaries(host, ['/usr/bin/true']).map((f) => f.path);
      expect(files).toContain('/usr/lib/x86_64-linux-gnu/libc.so.6');
      expect(() => resolveBinaries(host, ['/usr/bin/true'], { dlopen: () => true })).toThrow(/libc\.so\.6: its \.note\.dlopen is not valid dlopen metadata \(not JSON\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
