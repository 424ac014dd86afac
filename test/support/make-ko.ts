// A tiny kernel-module builder for hermetic tests: an ELF64 little-endian relocatable (ET_REL,
// x86-64) with a .modinfo section holding the given "key=value" strings, a .text, a .shstrtab, and,
// when asked, a .symtab/.strtab of undefined (imported) symbols. Enough for anything that reads a
// module's .modinfo or its imports the way kmod and depmod do.

export interface MakeKoOptions {
  /** [key, value] pairs written to .modinfo in order (NUL-separated, as modpost does). */
  modinfo: ReadonlyArray<readonly [string, string]>;
  /** Leave out the .modinfo section (a valid ELF that is not a module). */
  withoutModinfo?: boolean;
  /** Undefined symbols for .symtab, in table order. */
  undefinedSymbols?: readonly string[];
}

function _symbols(names: readonly string[]): { symtab: Buffer; strtab: Buffer } {
  let str = '\0';
  const symtab = Buffer.alloc(24 * (names.length + 1));
  names.forEach((n, i) => {
    symtab.writeUInt32LE(str.length, 24 * (i + 1));
    symtab.writeUInt8(0x10, 24 * (i + 1) + 4); // STB_GLOBAL, STT_NOTYPE; st_shndx 0 = SHN_UNDEF
    str += `${n}\0`;
  });
  return { symtab, strtab: Buffer.from(str, 'latin1') };
}

export function makeKo(opts: MakeKoOptions): Buffer {
  const modinfo = Buffer.concat(opts.modinfo.map(([k, v]) => Buffer.from(`${k}=${v}\0`, 'utf8')));
  const sections: Array<{ name: string; type: number; data: Buffer; link?: number }> = [
    { name: '.text', type: 1 /* PROGBITS */, data: Buffer.from([0xc3]) },
    ...(opts.withoutModinfo ? [] : [{ name: '.modinfo', type: 1, data: modinfo }]),
  ];
  if (opts.undefinedSymbols) {
    const { symtab, strtab } = _symbols(opts.undefinedSymbols);
    sections.push({ name: '.symtab', type: 2 /* SYMTAB */, data: symtab, link: sections.length + 2 });
    sections.push({ name: '.strtab', type: 3 /* STRTAB */, data: strtab });
  }
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const nameOffsets: number[] = [];
  let strtab = '';
  for (const n of names) {
    nameOffsets.push(strtab.length);
    strtab += `${n}\0`;
  }
  const shstr = Buffer.from(strtab, 'latin1');
  const all = [...sections, { name: '.shstrtab', type: 3 /* STRTAB */, data: shstr }];

  const EHDR = 64;
  const SHENT = 64;
  let off = EHDR;
  const placed = all.map((s) => {
    const at = off;
    off += s.data.length;
    off = (off + 7) & ~7;
    return { ...s, at };
  });
  const shoff = off;
  const shnum = placed.length + 1;
  const out = Buffer.alloc(shoff + shnum * SHENT);
  // e_ident: magic, ELFCLASS64, ELFDATA2LSB, EV_CURRENT
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
  out.writeUInt16LE(1, 0x10); // ET_REL
  out.writeUInt16LE(62, 0x12); // EM_X86_64
  out.writeUInt32LE(1, 0x14);
  out.writeBigUInt64LE(BigInt(shoff), 0x28);
  out.writeUInt16LE(EHDR, 0x34);
  out.writeUInt16LE(SHENT, 0x3a);
  out.writeUInt16LE(shnum, 0x3c);
  out.writeUInt16LE(shnum - 1, 0x3e); // .shstrtab is last
  placed.forEach((s, i) => {
    s.data.copy(out, s.at);
    const h = shoff + (i + 1) * SHENT;
    out.writeUInt32LE(nameOffsets[i + 1] as number, h);
    out.writeUInt32LE(s.type, h + 4);
    out.writeUInt32LE(s.link ?? 0, h + 40);
    if (s.type === 2) out.writeBigUInt64LE(24n, h + 56);
    out.writeBigUInt64LE(BigInt(s.at), h + 24);
    out.writeBigUInt64LE(BigInt(s.data.length), h + 32);
    out.writeBigUInt64LE(1n, h + 48);
  });
  return out;
}
