// Find one section of an ELF relocatable (a .ko) with as few reads as possible: the ELF header, the
// section header table, the section-name table — then the caller reads only that section. Plain
// numbers instead of the general ELF reader's BigInts: this runs for thousands of modules per build.
import { BadModuleError } from '../errors.js';

export type ReadAt = (offset: number, length: number) => Uint8Array;

export interface SectionRange {
  readonly offset: number;
  readonly size: number;
}

/** Where section `name` lies in the file, or undefined when the file has none. */
export function locateSection(read: ReadAt, size: number, name: string, file: string): SectionRange | undefined {
  const bad = (why: string): BadModuleError =>
    new BadModuleError(`${file}: not a valid kernel module (${why}); reinstall the kernel package or rerun depmod`, file);
  const view = (off: number, len: number, what: string): DataView => {
    if (off < 0 || len < 0 || off + len > size) throw bad(`${what} lies beyond end of file, truncated?`);
    const b = read(off, len);
    if (b.length < len) throw bad(`${what} lies beyond end of file, truncated?`);
    return new DataView(b.buffer, b.byteOffset, len);
  };
  if (size < 52) throw bad('too short for an ELF header');
  const h = view(0, Math.min(64, size), 'ELF header');
  if (h.getUint32(0, false) !== 0x7f454c46) throw bad('bad magic');
  const cls = h.getUint8(4);
  const data = h.getUint8(5);
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) throw bad(`unknown class ${cls} or data encoding ${data}`);
  const is64 = cls === 2;
  const le = data === 1;
  if (h.byteLength < (is64 ? 64 : 52)) throw bad('too short for an ELF header');
  const shoff = is64 ? _u64(h, 0x28, le) : h.getUint32(0x20, le);
  const base = is64 ? 0x30 : 0x24;
  const shentsize = h.getUint16(base + 10, le);
  const shnum = h.getUint16(base + 12, le);
  const shstrndx = h.getUint16(base + 14, le);
  if (shoff === 0 || shnum === 0) return undefined;
  if (shentsize < (is64 ? 64 : 40)) throw bad('section header size too small');
  const table = view(shoff, shentsize * shnum, 'section header table');
  const offsetOf = (i: number): number => (is64 ? _u64(table, i * shentsize + 24, le) : table.getUint32(i * shentsize + 16, le));
  const sizeOf = (i: number): number => (is64 ? _u64(table, i * shentsize + 32, le) : table.getUint32(i * shentsize + 20, le));
  if (shstrndx >= shnum) throw bad('section name table index out of range');
  const strOff = offsetOf(shstrndx);
  const strSize = sizeOf(shstrndx);
  const strView = view(strOff, strSize, 'section name table');
  const names = new Uint8Array(strView.buffer, strView.byteOffset, strSize);
  const want = Buffer.from(`${name}\0`, 'latin1');
  for (let i = 0; i < shnum; i++) {
    const nameOff = table.getUint32(i * shentsize, le);
    if (!_equalAt(names, nameOff, want)) continue;
    if (table.getUint32(i * shentsize + 4, le) === 8 /* SHT_NOBITS */) return undefined;
    const range = { offset: offsetOf(i), size: sizeOf(i) };
    if (range.offset + range.size > size) throw bad(`section ${name} lies beyond end of file, truncated?`);
    return range;
  }
  return undefined;
}

function _u64(v: DataView, o: number, le: boolean): number {
  const lo = v.getUint32(le ? o : o + 4, le);
  const hi = v.getUint32(le ? o + 4 : o, le);
  return hi * 2 ** 32 + lo;
}

function _equalAt(bytes: Uint8Array, off: number, want: Uint8Array): boolean {
  if (off + want.length > bytes.length) return false;
  for (let j = 0; j < want.length; j++) if (bytes[off + j] !== want[j]) return false;
  return true;
}
