// verify's UKI layout checks, each tripped on purpose: a real UKI (Debian 12's systemd EFI stub, the
// real Debian kernel as .linux) passes all of them, and each single field mutated trips exactly the
// check for that field and no other.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { efiStub, kernelImage } from '../../support/fixtures.js';
import { findSection, type PeFile, readPe, SECTION_HEADER_SIZE, sectionData } from '../../../src/uki/pe-file.js';
import { mergeSbat } from '../../../src/uki/sbat.js';
import { ukiLayoutProblems } from '../../../src/uki/uki-sections.js';
import { layoutUki } from '../../../src/uki/uki-layout.js';

function realUki(): Buffer {
  const stub = readFileSync(efiStub('bookworm'));
  const stubSbat = sectionData(stub, findSection(readPe(stub, 'stub'), '.sbat')!);
  return Buffer.concat(
    layoutUki(stub, 'stub', [
      { name: '.osrel', data: Buffer.from('ID=debian\n') },
      { name: '.uname', data: Buffer.from('6.1.0-57-amd64') },
      { name: '.sbat', data: mergeSbat([stubSbat]) },
      { name: '.initrd', data: Buffer.alloc(5000, 7) },
      { name: '.linux', data: readFileSync(kernelImage()) },
    ], 0).parts,
  );
}

const UKI = realUki();
const PE = readPe(UKI, 'uki');
/** File offset of a section's header field: VirtualSize 8, VirtualAddress 12, SizeOfRawData 16, PointerToRawData 20. */
const header = (pe: PeFile, name: string): number => pe.tableOffset + pe.sections.findIndex((s) => s.name === name) * SECTION_HEADER_SIZE;
const sec = (name: string) => findSection(PE, name)!;

type Mutation = [string, (b: Buffer) => Buffer | void, RegExp];
const MUTATIONS: Mutation[] = [
  ['PE subsystem 3 (a Windows console program)', (b) => void b.writeUInt16LE(3, PE.optOffset + 68), /PE subsystem is 3, not 10/],
  ['no .initrd (renamed)', (b) => void b.write('.initrx', header(PE, '.initrd'), 'latin1'), /no \.initrd section/],
  ['two .osrel (the .uname renamed)', (b) => void b.write('.osrel\0', header(PE, '.uname'), 'latin1'), /\.osrel appears more than once/],
  ['section alignment 3000', (b) => void b.writeUInt32LE(3000, PE.optOffset + 32), /alignment 3000\/512 is not a power of two/],
  ['.initrd off the section alignment', (b) => void b.writeUInt32LE(sec('.initrd').virtualAddress + 0x10, header(PE, '.initrd') + 12), /\.initrd at 0x[0-9a-f]+ is not at the section alignment 0x200/],
  ['.initrd placed over .uname in memory', (b) => void b.writeUInt32LE(sec('.uname').virtualAddress, header(PE, '.initrd') + 12), /\.[a-z]+ at 0x[0-9a-f]+ overlaps the section before it in memory/],
  ['SizeOfImage below the last section', (b) => void b.writeUInt32LE(sec('.linux').virtualAddress, PE.optOffset + 56), /SizeOfImage 0x[0-9a-f]+ is smaller than the sections/],
  ['.initrd\'s file data over .uname\'s', (b) => void b.writeUInt32LE(sec('.uname').rawOffset, header(PE, '.initrd') + 20), /\.[a-z]+'s file data at 0x[0-9a-f]+ overlaps \.[a-z]+ \(ends at/],
  ['.osrel\'s file data inside the PE headers', (b) => void b.writeUInt32LE(0x80, header(PE, '.osrel') + 20), /\.osrel's file data at 0x80 overlaps the PE headers/],
  ['.sbat without its header line', (b) => void b.write('xbat', sec('.sbat').rawOffset, 'latin1'), /\.sbat does not start with the "sbat,1," header line/],
  ['.linux that is not PE (MZ overwritten)', (b) => void b.write('XX', sec('.linux').rawOffset, 'latin1'), /\.linux is not an EFI-bootable kernel image/],
  ['the file cut inside .linux', (b) => b.subarray(0, b.length - 4096), /\.linux runs past the end of the file/],
];

describe('verify on a real UKI', () => {
  it('finds nothing wrong with the UKI as built', () => {
    expect(ukiLayoutProblems(UKI, 'uki.efi')).toEqual([]);
  });

  it.each(MUTATIONS)('reports %s, and only that', (_what, mutate, message) => {
    const copy = Buffer.from(UKI);
    const bad = mutate(copy) ?? copy;
    const problems = ukiLayoutProblems(bad, 'uki.efi');
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p).toMatch(/^uki\.efi: UKI: /);
    expect(problems.filter((p) => !message.test(p))).toEqual([]);
  });
});
