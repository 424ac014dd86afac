// The UKI layout on the real systemd EFI stubs of Debian 12 (252: 512-byte section alignment, .sbat
// before .sdmagic) and Debian 13 (257: 4 KiB alignment, .sbat in the middle): alignment, no overlap,
// the stub's own sections untouched, one merged .sbat, byte-identical output; objdump as the oracle.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { efiStub } from '../../support/fixtures.js';
import { findSection, readPe, sectionData } from '../../../src/uki/pe-file.js';
import { mergeSbat, OUR_SBAT } from '../../../src/uki/sbat.js';
import { layoutUki, type UkiSection } from '../../../src/uki/uki-layout.js';
import { BadImageError } from '../../../src/errors.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function sections(stub: Buffer, initrdSize = 3 * 1048576 + 7): UkiSection[] {
  const pe = readPe(stub, 'stub');
  const stubSbat = sectionData(stub, findSection(pe, '.sbat')!);
  const initrd = Buffer.alloc(initrdSize);
  for (let i = 0; i < initrd.length; i += 4096) initrd[i] = i & 0xff;
  return [
    { name: '.osrel', data: Buffer.from('ID=debian\nVERSION_ID="12"\n') },
    { name: '.cmdline', data: Buffer.from('root=LABEL=x console=ttyS0') },
    { name: '.uname', data: Buffer.from('6.1.0-57-amd64') },
    { name: '.sbat', data: mergeSbat([stubSbat]) },
    { name: '.initrd', data: initrd },
    { name: '.linux', data: Buffer.from('MZ-not-really-a-kernel'.repeat(1000)) },
  ];
}

describe.each(['bookworm', 'trixie'] as const)('the %s stub', (suite) => {
  const stub = readFileSync(efiStub(suite));
  const stubPe = readPe(stub, suite);
  const added = sections(stub);
  const uki = Buffer.concat(layoutUki(stub, suite, added, 1700000000).parts);
  const pe = readPe(uki, 'uki');

  it('puts every added section after the stub at its section and file alignment, in the order given', () => {
    const ours = pe.sections.slice(pe.sections.length - added.length);
    expect(ours.map((s) => s.name)).toEqual(added.map((s) => s.name));
    const stubEnd = Math.max(...stubPe.sections.map((s) => s.virtualAddress + s.virtualSize));
    for (const s of ours) {
      expect(s.virtualAddress % stubPe.sectionAlignment).toBe(0);
      expect(s.rawOffset % stubPe.fileAlignment).toBe(0);
      expect(s.rawSize % stubPe.fileAlignment).toBe(0);
      expect(s.virtualAddress).toBeGreaterThanOrEqual(stubEnd);
    }
    expect(pe.sectionAlignment).toBe(stubPe.sectionAlignment);
    expect(pe.sizeOfImage % pe.sectionAlignment).toBe(0);
    const last = pe.sections[pe.sections.length - 1]!;
    expect(pe.sizeOfImage).toBeGreaterThanOrEqual(last.virtualAddress + last.virtualSize);
  });

  it('no two sections overlap, in memory or in the file, and the file ends with the last one', () => {
    const mem = [...pe.sections].sort((a, b) => a.virtualAddress - b.virtualAddress);
    for (let i = 1; i < mem.length; i++) expect(mem[i]!.virtualAddress).toBeGreaterThanOrEqual(mem[i - 1]!.virtualAddress + mem[i - 1]!.virtualSize);
    const file = [...pe.sections].sort((a, b) => a.rawOffset - b.rawOffset);
    expect(file[0]!.rawOffset).toBeGreaterThanOrEqual(pe.sizeOfHeaders);
    for (let i = 1; i < file.length; i++) expect(file[i]!.rawOffset).toBe(Math.ceil((file[i - 1]!.rawOffset + file[i - 1]!.rawSize) / pe.fileAlignment) * pe.fileAlignment);
    expect(uki.length).toBe(file[file.length - 1]!.rawOffset + file[file.length - 1]!.rawSize);
  });

  it("keeps the stub's sections at their addresses with their bytes, and the added ones hold exactly what was given", () => {
    for (const s of stubPe.sections.filter((x) => x.name !== '.sbat')) {
      const now = findSection(pe, s.name)!;
      expect(now.virtualAddress).toBe(s.virtualAddress);
      expect(now.virtualSize).toBe(s.virtualSize);
      expect(sectionData(uki, now).equals(sectionData(stub, s))).toBe(true);
    }
    for (const s of added) expect(sectionData(uki, findSection(pe, s.name)!).equals(s.data)).toBe(true);
  });

  it("has one .sbat: the stub's entries and ours under one header", () => {
    expect(pe.sections.filter((s) => s.name === '.sbat')).toHaveLength(1);
    const text = sectionData(uki, findSection(pe, '.sbat')!).toString('utf8');
    const stubText = sectionData(stub, findSection(stubPe, '.sbat')!).toString('utf8').replace(/\0+$/, '');
    const lines = text.replace(/\0+$/, '').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^sbat,1,/);
    expect(lines.filter((l) => l.startsWith('sbat,'))).toHaveLength(1);
    for (const l of stubText.trimEnd().split('\n')) expect(lines).toContain(l);
    expect(lines[lines.length - 1]).toBe(OUR_SBAT);
  });

  it('is byte-identical for equal inputs; the time stamp is the only difference for another SOURCE_DATE_EPOCH', () => {
    const again = Buffer.concat(layoutUki(stub, suite, sections(stub), 1700000000).parts);
    expect(again.equals(uki)).toBe(true);
    const later = Buffer.concat(layoutUki(stub, suite, sections(stub), 1800000000).parts);
    const diff = [...later.keys()].filter((i) => later[i] !== uki[i]);
    expect(diff.length).toBeGreaterThan(0);
    expect(diff.every((i) => i >= pe.peOffset + 8 && i < pe.peOffset + 12)).toBe(true);
    expect(uki.readUInt32LE(pe.peOffset + 8)).toBe(1700000000);
  });

  it('objdump (binutils) reads the same section table', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'uki-layout-')), 'uki.efi');
    writeFileSync(file, uki);
    const out = execFileSync('objdump', ['-h', file], { encoding: 'utf8' });
    expect(out).toMatch(/file format pei-x86-64/);
    const imageBase = uki.readBigUInt64LE(pe.optOffset + 24); // objdump shows ImageBase + RVA
    for (const s of pe.sections) {
      const vma = (imageBase + BigInt(s.virtualAddress)).toString(16);
      const row = new RegExp(`\\s${s.name.replace('.', '\\.')}\\s+0*${s.virtualSize.toString(16)}\\s+0*${vma}\\s+\\S+\\s+0*${s.rawOffset.toString(16)}\\s`);
      expect(out).toMatch(row);
    }
  });
});

describe('the optional header sums', () => {
  it('count .linux (marked code) in SizeOfCode and the other added sections in SizeOfInitializedData', () => {
    const stub = readFileSync(efiStub('bookworm'));
    const stubPe = readPe(stub, 'stub');
    const added = sections(stub);
    const uki = Buffer.concat(layoutUki(stub, 'stub', added, 0).parts);
    const pe = readPe(uki, 'uki');
    const linux = findSection(pe, '.linux')!;
    expect(linux.characteristics & 0x20).toBe(0x20); // IMAGE_SCN_CNT_CODE
    const code = (b: Buffer, p: typeof pe) => b.readUInt32LE(p.optOffset + 4);
    const data = (b: Buffer, p: typeof pe) => b.readUInt32LE(p.optOffset + 8);
    expect(code(uki, pe) - code(stub, stubPe)).toBe(linux.virtualSize);
    const oldSbat = findSection(stubPe, '.sbat')!.virtualSize;
    const others = added.filter((s) => s.name !== '.linux').reduce((n, s) => n + s.data.length, 0);
    expect(data(uki, pe) - data(stub, stubPe)).toBe(others - oldSbat);
  });
});

describe('refusals', () => {
  it('a signed stub (its signature would not cover the new sections)', () => {
    const stub = Buffer.from(readFileSync(efiStub('bookworm')));
    const pe = readPe(stub, 'stub');
    stub.writeUInt32LE(0x1000, pe.optOffset + 112 + 8 * 4 + 4);
    expect(() => layoutUki(stub, 'stub.efi', sections(stub, 10), 0)).toThrow(/stub\.efi: the stub is signed/);
  });

  // a stub's header fields are not trusted: each field set to a value the layout cannot use is a
  // BadImageError naming the stub, never a RangeError from deep in the writer
  const mutated = (edit: (stub: Buffer, pe: ReturnType<typeof readPe>) => void): Buffer => {
    const stub = Buffer.from(readFileSync(efiStub('bookworm')));
    edit(stub, readPe(stub, 'stub'));
    return stub;
  };
  it.each([
    ['section alignment 0', (b: Buffer, pe: ReturnType<typeof readPe>) => b.writeUInt32LE(0, pe.optOffset + 32), /stub\.efi: section\/file alignment 0\/512 is not a power of two/],
    ['file alignment 0', (b: Buffer, pe: ReturnType<typeof readPe>) => b.writeUInt32LE(0, pe.optOffset + 36), /stub\.efi: section\/file alignment 512\/0 is not a power of two/],
    ['section alignment 3000', (b: Buffer, pe: ReturnType<typeof readPe>) => b.writeUInt32LE(3000, pe.optOffset + 32), /stub\.efi: section\/file alignment 3000\/512 is not a power of two/],
    ['file alignment above the section alignment', (b: Buffer, pe: ReturnType<typeof readPe>) => b.writeUInt32LE(4096, pe.optOffset + 36), /stub\.efi: file alignment 4096 is larger than the section alignment 512/],
    ['SizeOfImage near 4 GiB (the sections would pass it)', (b: Buffer, pe: ReturnType<typeof readPe>) => b.writeUInt32LE(0xfffff000, pe.optOffset + 56), /stub\.efi: the UKI would be larger than 4 GiB with \.linux/],
    ['a debug directory', (b: Buffer, pe: ReturnType<typeof readPe>) => b.writeUInt32LE(28, pe.optOffset + 112 + 8 * 6 + 4), /stub\.efi: it has a debug directory/],
    ['a long section name in the string table', (b: Buffer, pe: ReturnType<typeof readPe>) => b.write('/4\0\0\0\0\0\0', pe.tableOffset, 'latin1'), /stub\.efi: section \/4 has a long name in the string table/],
  ])('a stub with %s', (_what, edit, message) => {
    const stub = mutated(edit);
    let thrown: unknown;
    try {
      layoutUki(stub, 'stub.efi', sections(stub, 10), 0);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadImageError);
    expect((thrown as Error).message).toMatch(message);
  });

  it('a file that is not PE', () => {
    expect(() => layoutUki(Buffer.alloc(4096), 'zero.efi', [], 0)).toThrow(/zero\.efi: no MZ\/PE header/);
  });
});
