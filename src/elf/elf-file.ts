// A small read-only ELF reader over a DataView: ELF32/64, both endians. It never modifies its input.
// Reads through a `read(offset, length)` callback so a caller can fetch only the headers and the
// sections it needs (a .ko's .modinfo) instead of the whole file.
import { BadElfError } from '../errors.js';

export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const DT_NULL = 0;
export const DT_NEEDED = 1;
export const DT_STRTAB = 5;
export const DT_STRSZ = 10;
export const DT_SONAME = 14;
export const DT_RPATH = 15;
export const DT_RUNPATH = 29;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_REL = 1;

export interface ElfSection {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
}

export interface ElfSegment {
  type: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
  memsz: bigint;
}

export interface ElfDynamic {
  needed: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
}

export interface ElfHeader {
  elfClass: 32 | 64;
  littleEndian: boolean;
  osabi: number;
  type: number;
  machine: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

export type ReadAt = (offset: number, length: number) => Uint8Array;

const MAGIC = [0x7f, 0x45, 0x4c, 0x46];

export class ElfFile {
  readonly header: ElfHeader;
  private _sections: ElfSection[] | undefined;
  private _segments: ElfSegment[] | undefined;

  constructor(
    private readonly _read: ReadAt,
    readonly size: number,
    readonly file: string,
  ) {
    this.header = this._parseHeader();
  }

  static fromBytes(bytes: Uint8Array, file: string): ElfFile {
    return new ElfFile((off, len) => bytes.subarray(off, off + len), bytes.length, file);
  }

  /** True when `bytes` begins with the ELF magic. */
  static isElf(bytes: Uint8Array): boolean {
    return bytes.length >= 4 && MAGIC.every((b, i) => bytes[i] === b);
  }

  private _bad(what: string): BadElfError {
    return new BadElfError(`${this.file}: not a valid ELF file (${what}); reinstall the package that owns it`, this.file);
  }

  private _view(offset: number, length: number, what: string): DataView {
    if (offset < 0 || length < 0 || offset + length > this.size) throw this._bad(`${what} lies beyond end of file, truncated?`);
    const bytes = this._read(offset, length);
    if (bytes.length < length) throw this._bad(`${what} lies beyond end of file, truncated?`);
    return new DataView(bytes.buffer, bytes.byteOffset, length);
  }

  private _parseHeader(): ElfHeader {
    if (this.size < 52) throw this._bad('too short for an ELF header');
    const id = this._read(0, 16);
    if (!ElfFile.isElf(id)) throw this._bad('bad magic');
    const cls = id[4];
    const data = id[5];
    if (cls !== 1 && cls !== 2) throw this._bad(`unknown class ${String(cls)}`);
    if (data !== 1 && data !== 2) throw this._bad(`unknown data encoding ${String(data)}`);
    const elfClass = cls === 2 ? 64 : 32;
    const le = data === 1;
    const v = this._view(0, elfClass === 64 ? 64 : 52, 'ELF header');
    const u16 = (o: number): number => v.getUint16(o, le);
    const u32 = (o: number): number => v.getUint32(o, le);
    const word = (o: number): number => (elfClass === 64 ? Number(v.getBigUint64(o, le)) : u32(o));
    const base = elfClass === 64 ? 0x30 : 0x24; // offset of e_flags
    return {
      elfClass,
      littleEndian: le,
      osabi: id[7] ?? 0,
      type: u16(0x10),
      machine: u16(0x12),
      phoff: word(elfClass === 64 ? 0x20 : 0x1c),
      shoff: word(elfClass === 64 ? 0x28 : 0x20),
      phentsize: u16(base + 6),
      phnum: u16(base + 8),
      shentsize: u16(base + 10),
      shnum: u16(base + 12),
      shstrndx: u16(base + 14),
    };
  }

  get sections(): ElfSection[] {
    if (this._sections) return this._sections;
    const h = this.header;
    const out: ElfSection[] = [];
    if (h.shoff === 0 || h.shnum === 0) return (this._sections = out);
    const is64 = h.elfClass === 64;
    const entsize = is64 ? 64 : 40;
    if (h.shentsize < entsize) throw this._bad('section header size too small');
    const v = this._view(h.shoff, h.shentsize * h.shnum, 'section header table');
    const le = h.littleEndian;
    const raw: Array<Omit<ElfSection, 'name'> & { nameOff: number }> = [];
    for (let i = 0; i < h.shnum; i++) {
      const o = i * h.shentsize;
      const w = (x: number): bigint => (is64 ? v.getBigUint64(o + x, le) : BigInt(v.getUint32(o + x, le)));
      raw.push({
        nameOff: v.getUint32(o, le),
        type: v.getUint32(o + 4, le),
        flags: w(8),
        addr: is64 ? w(16) : w(12),
        offset: Number(is64 ? w(24) : w(16)),
        size: Number(is64 ? w(32) : w(20)),
        link: v.getUint32(o + (is64 ? 40 : 24), le),
      });
    }
    const strSec = raw[h.shstrndx];
    const strtab = strSec && strSec.type !== 8 ? this._bytes(strSec.offset, strSec.size, 'section name table') : new Uint8Array();
    for (const r of raw) {
      const { nameOff, ...rest } = r;
      out.push({ name: cString(strtab, nameOff), ...rest });
    }
    return (this._sections = out);
  }

  get segments(): ElfSegment[] {
    if (this._segments) return this._segments;
    const h = this.header;
    const out: ElfSegment[] = [];
    if (h.phoff === 0 || h.phnum === 0) return (this._segments = out);
    const is64 = h.elfClass === 64;
    if (h.phentsize < (is64 ? 56 : 32)) throw this._bad('program header size too small');
    const v = this._view(h.phoff, h.phentsize * h.phnum, 'program header table');
    const le = h.littleEndian;
    for (let i = 0; i < h.phnum; i++) {
      const o = i * h.phentsize;
      if (is64) {
        out.push({
          type: v.getUint32(o, le),
          offset: Number(v.getBigUint64(o + 8, le)),
          vaddr: v.getBigUint64(o + 16, le),
          filesz: Number(v.getBigUint64(o + 32, le)),
          memsz: v.getBigUint64(o + 40, le),
        });
      } else {
        out.push({
          type: v.getUint32(o, le),
          offset: v.getUint32(o + 4, le),
          vaddr: BigInt(v.getUint32(o + 8, le)),
          filesz: v.getUint32(o + 16, le),
          memsz: BigInt(v.getUint32(o + 20, le)),
        });
      }
    }
    return (this._segments = out);
  }

  private _bytes(offset: number, size: number, what: string): Uint8Array {
    const v = this._view(offset, size, what);
    return new Uint8Array(v.buffer, v.byteOffset, size);
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The bytes of a section (a view or a fresh copy, never to be written to); undefined if absent or NOBITS. */
  sectionData(name: string): Uint8Array | undefined {
    const s = this.section(name);
    if (!s || s.type === 8 /* SHT_NOBITS */) return undefined;
    return this._bytes(s.offset, s.size, `section ${name}`);
  }

  /** PT_INTERP: the program interpreter, or undefined for static binaries and libraries. */
  get interpreter(): string | undefined {
    const seg = this.segments.find((s) => s.type === PT_INTERP);
    if (!seg) return undefined;
    return cString(this._bytes(seg.offset, seg.filesz, 'PT_INTERP'), 0);
  }

  /** File offset of a virtual address, via the PT_LOAD segments. */
  private _vaddrToOffset(addr: bigint): number | undefined {
    for (const s of this.segments) {
      if (s.type === PT_LOAD && addr >= s.vaddr && addr < s.vaddr + BigInt(s.filesz)) return s.offset + Number(addr - s.vaddr);
    }
    return undefined;
  }

  /** The dynamic section's DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH; undefined for static files. */
  get dynamic(): ElfDynamic | undefined {
    const seg = this.segments.find((s) => s.type === PT_DYNAMIC);
    if (!seg) return undefined;
    const is64 = this.header.elfClass === 64;
    const le = this.header.littleEndian;
    const ent = is64 ? 16 : 8;
    const v = this._view(seg.offset, seg.filesz - (seg.filesz % ent), 'dynamic section');
    const entries: Array<[number, bigint]> = [];
    for (let o = 0; o + ent <= v.byteLength; o += ent) {
      const tag = is64 ? Number(v.getBigInt64(o, le)) : v.getInt32(o, le);
      const val = is64 ? v.getBigUint64(o + 8, le) : BigInt(v.getUint32(o + 4, le));
      if (tag === DT_NULL) break;
      entries.push([tag, val]);
    }
    const strAddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
    const strSize = Number(entries.find(([t]) => t === DT_STRSZ)?.[1] ?? 0n);
    if (strAddr === undefined) throw this._bad('dynamic section without DT_STRTAB');
    const strOff = this._vaddrToOffset(strAddr);
    if (strOff === undefined) throw this._bad('DT_STRTAB outside every PT_LOAD');
    const strtab = this._bytes(strOff, Math.min(strSize, this.size - strOff), 'dynamic string table');
    const str = (val: bigint): string => cString(strtab, Number(val));
    const dyn: ElfDynamic = { needed: [] };
    for (const [tag, val] of entries) {
      if (tag === DT_NEEDED) dyn.needed.push(str(val));
      else if (tag === DT_SONAME) dyn.soname = str(val);
      else if (tag === DT_RPATH) dyn.rpath = str(val);
      else if (tag === DT_RUNPATH) dyn.runpath = str(val);
    }
    return dyn;
  }
}

/** The NUL-terminated string at `offset` (Latin-1 safe; ELF names are bytes). */
export function cString(bytes: Uint8Array, offset: number): string {
  if (offset >= bytes.length) return '';
  let end = bytes.indexOf(0, offset);
  if (end < 0) end = bytes.length;
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset).toString('utf8');
}
