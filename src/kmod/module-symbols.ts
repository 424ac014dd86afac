// The symbols a module imports: the undefined entries of its .symtab, in table order — the order
// depmod walks them to find, and to order, the modules a module depends on.
import { BadModuleError, ExitCode, fsError, MkError } from '../errors.js';
import { ElfFile } from '../elf/elf-file.js';
import type { Host } from '../host/host.js';
import { compressionOf, decompressModule } from './module-compression.js';

/** Undefined symbol names of the module at in-root `path`, in .symtab order (empty names skipped). */
export function readUndefinedSymbols(host: Host, path: string): string[] {
  const compression = compressionOf(path);
  let elf: ElfFile;
  let close = (): void => {};
  try {
    if (compression !== 'none') {
      elf = ElfFile.fromBytes(decompressModule(host.readFile(path), compression, path), path);
    } else {
      const file = host.open(path);
      close = () => file.close();
      elf = new ElfFile((off, len) => file.read(off, len), file.size, path);
    }
    return undefinedSymbols(elf);
  } catch (err) {
    if (err instanceof MkError) throw err.exitCode === ExitCode.badElf ? new BadModuleError(err.message, path) : err;
    throw fsError(err, path);
  } finally {
    close();
  }
}

export function undefinedSymbols(elf: ElfFile): string[] {
  const symtab = elf.sectionData('.symtab');
  const strtab = elf.sectionData('.strtab');
  if (!symtab || !strtab) throw new BadModuleError(`${elf.file}: not a kernel module (no symbol table); reinstall the kernel package`, elf.file);
  const is64 = elf.header.elfClass === 64;
  const le = elf.header.littleEndian;
  const entsize = is64 ? 24 : 16;
  const view = new DataView(symtab.buffer, symtab.byteOffset, symtab.byteLength);
  const out: string[] = [];
  for (let off = entsize; off + entsize <= symtab.length; off += entsize) {
    const shndx = view.getUint16(off + (is64 ? 6 : 14), le);
    if (shndx !== 0) continue;
    const nameOff = view.getUint32(off, le);
    if (nameOff >= strtab.length) throw new BadModuleError(`${elf.file}: symbol name outside .strtab; reinstall the kernel package`, elf.file);
    let end = strtab.indexOf(0, nameOff);
    if (end < 0) end = strtab.length;
    if (end > nameOff) out.push(Buffer.from(strtab.buffer, strtab.byteOffset + nameOff, end - nameOff).toString('latin1'));
  }
  return out;
}
