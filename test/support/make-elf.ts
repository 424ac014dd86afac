// A tiny ELF builder for tests: an ELF header, a PT_LOAD covering the file, and optionally PT_INTERP
// and PT_DYNAMIC (DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_STRTAB, DT_STRSZ). ELF32/64, both
// byte orders, any e_machine. No section headers: loaders only read program headers.
export const EM_386 = 3;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

const ET = { rel: 1, exec: 2, dyn: 3 } as const;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT = { NULL: 0, NEEDED: 1, STRTAB: 5, STRSZ: 10, SONAME: 14, RPATH: 15, RUNPATH: 29 } as const;

export interface MakeElfOptions {
  elfClass?: 32 | 64;
  littleEndian?: boolean;
  machine?: number;
  type?: keyof typeof ET;
  interpreter?: string;
  needed?: string[];
  soname?: string;
  rpath?: string;
  runpath?: string;
  /** Emit PT_DYNAMIC even without entries (a static-pie); default: when any dynamic field is given. */
  dynamic?: boolean;
}

/** A loadable ELF file with the given program interpreter and dynamic entries. */
export function makeElf(opts: MakeElfOptions = {}): Buffer {
  const is64 = (opts.elfClass ?? 64) === 64;
  const le = opts.littleEndian ?? true;
  const type = opts.type ?? 'dyn';
  const base = type === 'exec' ? (is64 ? 0x400000 : 0x8048000) : 0;
  const needed = opts.needed ?? [];
  const hasDynamic =
    opts.dynamic ?? (needed.length > 0 || opts.soname !== undefined || opts.rpath !== undefined || opts.runpath !== undefined);

  // String table and dynamic entries.
  let strtab = '\0';
  const str = (s: string): number => {
    const off = Buffer.byteLength(strtab);
    strtab += `${s}\0`;
    return off;
  };
  const tags: Array<[number, number]> = needed.map((n) => [DT.NEEDED, str(n)]);
  if (opts.soname !== undefined) tags.push([DT.SONAME, str(opts.soname)]);
  if (opts.rpath !== undefined) tags.push([DT.RPATH, str(opts.rpath)]);
  if (opts.runpath !== undefined) tags.push([DT.RUNPATH, str(opts.runpath)]);

  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const phnum = 1 + (opts.interpreter !== undefined ? 1 : 0) + (hasDynamic ? 1 : 0);
  const interpBytes = opts.interpreter !== undefined ? Buffer.from(`${opts.interpreter}\0`) : Buffer.alloc(0);
  const strBytes = Buffer.from(strtab);
  const interpOff = ehsize + phentsize * phnum;
  const strOff = interpOff + interpBytes.length;
  const dynOff = _align(strOff + strBytes.length, 8);
  const dynEnt = is64 ? 16 : 8;
  const dynSize = hasDynamic ? dynEnt * (tags.length + 3) : 0; // + STRTAB, STRSZ, NULL
  const size = dynOff + dynSize;

  const buf = Buffer.alloc(size);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const u16 = (o: number, x: number): void => v.setUint16(o, x, le);
  const u32 = (o: number, x: number): void => v.setUint32(o, x, le);
  const word = (o: number, x: number): void => (is64 ? v.setBigUint64(o, BigInt(x), le) : v.setUint32(o, x, le));

  buf.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1, 0], 0);
  u16(0x10, ET[type]);
  u16(0x12, opts.machine ?? (is64 ? EM_X86_64 : EM_386));
  u32(0x14, 1);
  word(is64 ? 0x18 : 0x18, base); // e_entry
  word(is64 ? 0x20 : 0x1c, ehsize); // e_phoff
  word(is64 ? 0x28 : 0x20, 0); // e_shoff
  const flagsOff = is64 ? 0x30 : 0x24;
  u16(flagsOff + 4, ehsize);
  u16(flagsOff + 6, phentsize);
  u16(flagsOff + 8, phnum);
  u16(flagsOff + 10, is64 ? 64 : 40);

  let ph = ehsize;
  const phdr = (pType: number, offset: number, filesz: number): void => {
    if (is64) {
      u32(ph, pType);
      u32(ph + 4, 4 | (pType === PT_LOAD ? 1 : 0)); // p_flags
      word(ph + 8, offset);
      word(ph + 16, base + offset);
      word(ph + 24, base + offset);
      word(ph + 32, filesz);
      word(ph + 40, filesz);
      word(ph + 48, pType === PT_LOAD ? 0x1000 : 8);
    } else {
      u32(ph, pType);
      u32(ph + 4, offset);
      u32(ph + 8, base + offset);
      u32(ph + 12, base + offset);
      u32(ph + 16, filesz);
      u32(ph + 20, filesz);
      u32(ph + 24, 4 | (pType === PT_LOAD ? 1 : 0));
      u32(ph + 28, pType === PT_LOAD ? 0x1000 : 4);
    }
    ph += phentsize;
  };
  if (opts.interpreter !== undefined) phdr(PT_INTERP, interpOff, interpBytes.length);
  phdr(PT_LOAD, 0, size);
  if (hasDynamic) phdr(PT_DYNAMIC, dynOff, dynSize);

  buf.set(interpBytes, interpOff);
  buf.set(strBytes, strOff);
  if (hasDynamic) {
    const all: Array<[number, number]> = [...tags, [DT.STRTAB, base + strOff], [DT.STRSZ, strBytes.length], [DT.NULL, 0]];
    all.forEach(([tag, val], i) => {
      word(dynOff + i * dynEnt, tag);
      word(dynOff + i * dynEnt + dynEnt / 2, val);
    });
  }
  return buf;
}

function _align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
