// Lays out a Unified Kernel Image: the EFI stub's own sections, then ours, each at the next multiple
// of the stub's section alignment in memory and of its file alignment on disk (UAPI UKI specification).
// Pure: bytes in, the file's parts out. The stub's .sbat is replaced by the merged one given here,
// which goes after the new sections: it rarely fits in the stub's own slot, and two .sbat sections
// are refused by shim. The stub's other sections keep their addresses; their file data is packed
// again without the old .sbat, so no byte of the file lies outside a section (Authenticode hashes
// the sections, a gap would be unsigned).
import { BadImageError } from '../errors.js';
import { EFI_APPLICATION, OPT, type PeFile, type PeSection, readPe, roundUp, SECTION_HEADER_SIZE } from './pe-file.js';

export interface UkiSection {
  name: string;
  data: Buffer;
}

export interface UkiLayout {
  /** The file, in order (the big sections are not copied). */
  parts: Buffer[];
  size: number;
  /** The section table as written: the stub's, then ours. */
  sections: PeSection[];
}

const MEM_READ = 0x40000000;
const CNT_CODE = 0x00000020;
const CNT_INITIALIZED_DATA = 0x00000040;
/** PE32+ addresses and file offsets are 32-bit: a UKI cannot reach 4 GiB. */
const MAX_PE = 0xffffffff;

/**
 * `timestamp` goes into the COFF header (seconds; SOURCE_DATE_EPOCH or 0), so equal inputs give
 * equal bytes.
 */
export function layoutUki(stub: Buffer, stubName: string, added: readonly UkiSection[], timestamp: number): UkiLayout {
  const pe = readPe(stub, stubName);
  const bad = (what: string) => new BadImageError(`${stubName}: ${what}: install the sysroot's systemd-boot-efi package again`, stubName);
  if (pe.subsystem !== EFI_APPLICATION) throw bad(`PE subsystem ${pe.subsystem}, not an EFI application`);
  if (pe.signatureSize !== 0) throw bad('the stub is signed; a signature would not cover the added sections');
  _checkRepackable(pe, bad);
  const names = new Set(added.map((s) => s.name));
  for (const s of added) if (s.name.length > 8 || !s.name.startsWith('.')) throw new Error(`bad UKI section name ${s.name}`);
  const kept = pe.sections.filter((s) => !names.has(s.name));
  if (kept.length === 0) throw bad('no sections');
  const count = kept.length + added.length;
  const firstRaw = Math.min(...kept.map((s) => s.rawOffset).filter((o) => o > 0));
  if (pe.tableOffset + count * SECTION_HEADER_SIZE > Math.min(pe.sizeOfHeaders, firstRaw)) throw bad(`no room in the PE headers for ${added.length} more sections`);

  // the stub's sections: same addresses, file data packed in file order
  const parts: Buffer[] = [];
  let cursor = pe.sizeOfHeaders;
  const table: PeSection[] = [];
  const byFile = [...kept].sort((a, b) => a.rawOffset - b.rawOffset);
  const moved = new Map<PeSection, number>();
  for (const s of byFile) {
    if (s.rawSize === 0) continue;
    if (s.rawOffset + s.rawSize > stub.length) throw bad(`section ${s.name} runs past the end of the file`);
    const at = roundUp(cursor, pe.fileAlignment);
    parts.push(Buffer.alloc(at - cursor), stub.subarray(s.rawOffset, s.rawOffset + s.rawSize));
    moved.set(s, at);
    cursor = at + s.rawSize;
  }
  for (const s of kept) table.push({ ...s, rawOffset: s.rawSize === 0 ? 0 : (moved.get(s) as number) });

  // ours: after the stub's highest address, in the order given
  let vaEnd = Math.max(pe.sizeOfImage, ...pe.sections.map((s) => s.virtualAddress + (s.virtualSize || s.rawSize)));
  let addedData = 0;
  let addedCode = 0;
  for (const s of added) {
    const va = roundUp(vaEnd, pe.sectionAlignment);
    const at = roundUp(cursor, pe.fileAlignment);
    const rawSize = roundUp(s.data.length, pe.fileAlignment);
    parts.push(Buffer.alloc(at - cursor), s.data, Buffer.alloc(rawSize - s.data.length));
    table.push({
      name: s.name,
      virtualSize: s.data.length,
      virtualAddress: va,
      rawSize,
      rawOffset: at,
      characteristics: MEM_READ | (s.name === '.linux' ? CNT_CODE : CNT_INITIALIZED_DATA),
    });
    cursor = at + rawSize;
    vaEnd = va + s.data.length;
    if (s.name === '.linux') addedCode += s.data.length;
    else addedData += s.data.length;
    if (roundUp(vaEnd, pe.sectionAlignment) > MAX_PE || cursor > MAX_PE)
      throw new BadImageError(`${stubName}: the UKI would be larger than 4 GiB with ${s.name} (${s.data.length} bytes): PE/EFI files cannot be; build a smaller initramfs (host-only, fewer --add)`, stubName);
  }

  const headers = Buffer.from(stub.subarray(0, pe.sizeOfHeaders));
  headers.writeUInt16LE(count, pe.peOffset + 6);
  headers.writeUInt32LE(timestamp >>> 0, pe.peOffset + 8);
  headers.writeUInt32LE(0, pe.peOffset + 12); // no COFF symbol table in an image
  headers.writeUInt32LE(0, pe.peOffset + 16);
  const opt = pe.optOffset;
  const replaced = pe.sections.filter((s) => names.has(s.name)).reduce((n, s) => n + s.virtualSize, 0);
  // .linux is marked code (as the stub's loader has always seen it), so it counts in SizeOfCode
  headers.writeUInt32LE((headers.readUInt32LE(opt + OPT.sizeOfCode) + addedCode) >>> 0, opt + OPT.sizeOfCode);
  headers.writeUInt32LE((headers.readUInt32LE(opt + OPT.sizeOfInitializedData) + addedData - replaced) >>> 0, opt + OPT.sizeOfInitializedData);
  headers.writeUInt32LE(roundUp(vaEnd, pe.sectionAlignment), opt + OPT.sizeOfImage);
  headers.writeUInt32LE(0, opt + OPT.checkSum);
  headers.fill(0, pe.tableOffset, pe.sizeOfHeaders);
  table.forEach((s, i) => _writeSectionHeader(headers, pe.tableOffset + i * SECTION_HEADER_SIZE, s));
  parts.unshift(headers);
  return { parts: parts.filter((p) => p.length > 0), size: cursor, sections: table };
}

/**
 * What repacking the stub's file data would break, refused by name: alignments the layout cannot use,
 * long section names ("/N" points into the COFF string table after the symbol table, which is not
 * loaded and is left out, as Debian 12's stub's 362 symbols are), and a debug directory (its entries
 * hold file offsets of data that moves).
 */
function _checkRepackable(pe: PeFile, bad: (what: string) => BadImageError): void {
  const pow2 = (n: number) => n > 0 && n <= 0x10000000 && (n & (n - 1)) === 0;
  if (!pow2(pe.sectionAlignment) || !pow2(pe.fileAlignment))
    throw bad(`section/file alignment ${pe.sectionAlignment}/${pe.fileAlignment} is not a power of two`);
  if (pe.fileAlignment > pe.sectionAlignment) throw bad(`file alignment ${pe.fileAlignment} is larger than the section alignment ${pe.sectionAlignment}`);
  const long = pe.sections.find((s) => s.name.startsWith('/'));
  if (long) throw bad(`section ${long.name} has a long name in the string table, which repacking would cut off`);
  if (pe.debugDirectorySize !== 0) throw bad('it has a debug directory, whose file offsets repacking would break (use a stripped stub)');
}

function _writeSectionHeader(buf: Buffer, at: number, s: PeSection): void {
  buf.write(s.name, at, 8, 'latin1');
  buf.writeUInt32LE(s.virtualSize, at + 8);
  buf.writeUInt32LE(s.virtualAddress, at + 12);
  buf.writeUInt32LE(s.rawSize, at + 16);
  buf.writeUInt32LE(s.rawOffset, at + 20);
  buf.writeUInt32LE(s.characteristics, at + 36);
}
