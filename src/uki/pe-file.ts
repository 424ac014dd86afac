// The few PE/COFF facts a Unified Kernel Image needs: the headers' alignment fields and the section
// table of an x86-64 EFI executable (PE32+), read from bytes; nothing is loaded or relocated.
import { BadImageError } from '../errors.js';

export interface PeSection {
  /** Up to 8 ASCII characters (".linux"). */
  name: string;
  virtualSize: number;
  virtualAddress: number;
  rawSize: number;
  rawOffset: number;
  characteristics: number;
}

export interface PeFile {
  /** File offset of the COFF header ("PE\0\0" signature). */
  peOffset: number;
  /** File offset of the optional header. */
  optOffset: number;
  /** File offset of the section table. */
  tableOffset: number;
  sectionAlignment: number;
  fileAlignment: number;
  sizeOfHeaders: number;
  sizeOfImage: number;
  subsystem: number;
  /** Size of the Authenticode signature (security data directory); 0 when unsigned. */
  signatureSize: number;
  /** Size of the debug data directory; 0 when there is none. */
  debugDirectorySize: number;
  sections: PeSection[];
}

/** Optional-header offsets of PE32+ (magic 0x20b). */
export const OPT = {
  sizeOfCode: 4,
  sizeOfInitializedData: 8,
  sectionAlignment: 32,
  fileAlignment: 36,
  sizeOfImage: 56,
  sizeOfHeaders: 60,
  checkSum: 64,
  subsystem: 68,
  numberOfRvaAndSizes: 108,
  dataDirectories: 112,
} as const;
export const SECTION_HEADER_SIZE = 40;
export const EFI_APPLICATION = 10;
const SECURITY_DIRECTORY = 4;
const DEBUG_DIRECTORY = 6;

/** Whether the bytes start like a PE executable (DOS "MZ" header pointing at "PE\0\0"). */
export function looksLikePe(buf: Buffer): boolean {
  if (buf.length < 0x40 || buf.readUInt16LE(0) !== 0x5a4d) return false;
  const pe = buf.readUInt32LE(0x3c);
  return pe + 4 <= buf.length && buf.readUInt32LE(pe) === 0x00004550;
}

export function readPe(buf: Buffer, name: string): PeFile {
  const bad = (what: string) => new BadImageError(`${name}: ${what}: not a usable PE/EFI file`, name);
  if (!looksLikePe(buf)) throw bad('no MZ/PE header');
  const peOffset = buf.readUInt32LE(0x3c);
  if (peOffset + 24 > buf.length) throw bad('truncated COFF header');
  const count = buf.readUInt16LE(peOffset + 6);
  const optSize = buf.readUInt16LE(peOffset + 20);
  const optOffset = peOffset + 24;
  if (optSize < OPT.dataDirectories || optOffset + optSize > buf.length) throw bad('truncated optional header');
  if (buf.readUInt16LE(optOffset) !== 0x20b) throw bad('not PE32+ (64-bit)');
  const dirs = buf.readUInt32LE(optOffset + OPT.numberOfRvaAndSizes);
  const dirSize = (index: number): number => {
    const at = optOffset + OPT.dataDirectories + 8 * index;
    return dirs > index && at + 8 <= optOffset + optSize ? buf.readUInt32LE(at + 4) : 0;
  };
  const tableOffset = optOffset + optSize;
  if (tableOffset + count * SECTION_HEADER_SIZE > buf.length) throw bad('truncated section table');
  const sections: PeSection[] = [];
  for (let i = 0; i < count; i++) {
    const at = tableOffset + i * SECTION_HEADER_SIZE;
    const raw = buf.subarray(at, at + 8);
    const end = raw.indexOf(0);
    sections.push({
      name: raw.subarray(0, end < 0 ? 8 : end).toString('latin1'),
      virtualSize: buf.readUInt32LE(at + 8),
      virtualAddress: buf.readUInt32LE(at + 12),
      rawSize: buf.readUInt32LE(at + 16),
      rawOffset: buf.readUInt32LE(at + 20),
      characteristics: buf.readUInt32LE(at + 36),
    });
  }
  return {
    peOffset,
    optOffset,
    tableOffset,
    sectionAlignment: buf.readUInt32LE(optOffset + OPT.sectionAlignment),
    fileAlignment: buf.readUInt32LE(optOffset + OPT.fileAlignment),
    sizeOfHeaders: buf.readUInt32LE(optOffset + OPT.sizeOfHeaders),
    sizeOfImage: buf.readUInt32LE(optOffset + OPT.sizeOfImage),
    subsystem: buf.readUInt16LE(optOffset + OPT.subsystem),
    signatureSize: dirSize(SECURITY_DIRECTORY),
    debugDirectorySize: dirSize(DEBUG_DIRECTORY),
    sections,
  };
}

/** The bytes of a section as the loader maps them: its raw data, cut to its virtual size. */
export function sectionData(buf: Buffer, section: PeSection): Buffer {
  const length = Math.min(section.rawSize, section.virtualSize);
  return buf.subarray(section.rawOffset, section.rawOffset + length);
}

export function findSection(pe: PeFile, name: string): PeSection | undefined {
  return pe.sections.find((s) => s.name === name);
}

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
