// What one file on the host is, as exec() and ld.so see it: an ELF object (its ABI, type,
// interpreter and dynamic entries) or a `#!` script. Reads only the headers and the dynamic
// segment, through positional reads, and always closes the file.
import { BadElfError, fsError } from '../errors.js';
import type { Host } from '../host/host.js';
import { abiOf, type ElfAbi } from './elf-abi.js';
import { readDlopenNotes, type DlopenDependency } from './dlopen-notes.js';
import { ElfFile } from './elf-file.js';
import { parseShebang, SHEBANG_BYTES, type Shebang, isScript } from './shebang.js';

export interface ElfInfo {
  kind: 'elf';
  abi: ElfAbi;
  /** e_type: ET_EXEC, ET_DYN, ... */
  type: number;
  interpreter?: string;
  /** Present for dynamically linked objects (PT_DYNAMIC). */
  dynamic?: { needed: string[]; soname?: string; rpath?: string; runpath?: string };
  /** The libraries it declares it may dlopen() (its .note.dlopen); absent when none or not asked for. */
  dlopen?: DlopenDependency[];
}

export interface InspectOptions {
  /** Read the .note.dlopen notes too. Off by default: a build that wants no dlopen() libraries must not fail
   * (or spend reads) on another package's broken note. */
  dlopenNotes?: boolean;
}

export interface ScriptInfo extends Shebang {
  kind: 'script';
}

export type ExecutableInfo = ElfInfo | ScriptInfo;

/** Inspect a program (in-root path); a file that is neither ELF nor a script is a BadElfError. */
export function readExecutableInfo(host: Host, path: string, opts: InspectOptions = {}): ExecutableInfo {
  return _inspect(host, path, true, opts);
}

/** Inspect a shared library candidate: anything but ELF is a BadElfError, as ld.so refuses it. */
export function readElfInfo(host: Host, path: string, opts: InspectOptions = {}): ElfInfo {
  return _inspect(host, path, false, opts) as ElfInfo;
}

function _inspect(host: Host, path: string, program: boolean, opts: InspectOptions): ExecutableInfo {
  const file = host.open(path);
  try {
    const head = file.read(0, SHEBANG_BYTES);
    if (program && isScript(head)) {
      const shebang = parseShebang(head);
      if (!shebang) throw new BadElfError(`${path}: a #! script that names no interpreter; fix its first line`, path);
      return { kind: 'script', ...shebang };
    }
    if (!ElfFile.isElf(head)) {
      const what = program ? 'neither an ELF executable nor a #! script' : 'not an ELF shared library (invalid ELF header)';
      throw new BadElfError(`${path}: ${what}; reinstall the package that owns it or name another file`, path);
    }
    return _elfInfo(new ElfFile((off, len) => file.read(off, len), file.size, path), opts);
  } catch (err) {
    throw fsError(err, path);
  } finally {
    file.close();
  }
}

function _elfInfo(elf: ElfFile, opts: InspectOptions): ElfInfo {
  const info: ElfInfo = { kind: 'elf', abi: abiOf(elf.header), type: elf.header.type };
  const interpreter = elf.interpreter;
  if (interpreter !== undefined) info.interpreter = interpreter;
  const dynamic = elf.dynamic;
  if (dynamic) info.dynamic = dynamic;
  if (opts.dlopenNotes) {
    const dlopen = readDlopenNotes(elf);
    if (dlopen.length) info.dlopen = dlopen;
  }
  return info;
}
