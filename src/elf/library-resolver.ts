// Everything a set of programs needs to run inside the image, found by reading ELF headers the way
// the kernel and glibc's ld.so would — never by running ldd. Scripts resolve through their `#!`
// interpreter (and, for `env`, the program env will run); ELF programs through their PT_INTERP and
// DT_NEEDED closure. The result lists every file and every symlink on the way to it.
import { posix } from 'node:path';
import { BadElfError, NotFoundError } from '../errors.js';
import type { Host } from '../host/host.js';
import { normalizeInRoot } from '../host/in-root-path.js';
import type { DlopenDependency } from './dlopen-notes.js';
import { loadProcess, type ProcessEnv } from './dynamic-process.js';
import { ElfFile, ET_DYN, ET_EXEC } from './elf-file.js';
import { readElfInfo, readExecutableInfo, type ElfInfo } from './executable-info.js';
import { findExecutable } from './find-executable.js';
import { readLdSoConfDirs } from './ld-so-conf.js';
import { NeededFiles, type NeededFile } from './needed-files.js';
import { envProgram, isScript } from './shebang.js';

export type { NeededFile } from './needed-files.js';
export { findExecutable } from './find-executable.js';

const MAX_SCRIPT_DEPTH = 4; // the kernel's binfmt recursion limit

/** The files (and the symlinks leading to them) that programs `paths` (in-root) need, deduplicated, in discovery order. */
export function resolveBinaries(host: Host, paths: string[], opts: ResolveOptions = {}): NeededFile[] {
  return _resolve(host, paths, false, opts);
}

export interface ResolveOptions {
  /**
   * Which libraries that programs declare they may dlopen() (.note.dlopen) to bring too; none when
   * absent. Asked once per declaring file (`from`, in the sysroot) and dependency.
   */
  dlopen?: (dep: DlopenDependency, from: string) => boolean;
}

/**
 * Like resolveBinaries, for any files (dracut's `inst`): ELF programs and libraries bring what they
 * need, executable `#!` scripts their interpreter; everything else (data, non-executable scripts,
 * kernel objects) is taken as it is, with the symlinks leading to it.
 */
export function resolveFiles(host: Host, paths: string[], opts: ResolveOptions = {}): NeededFile[] {
  return _resolve(host, paths, true, opts);
}

function _resolve(host: Host, paths: string[], plainAllowed: boolean, opts: ResolveOptions): NeededFile[] {
  const elfCache = new Map<string, ElfInfo>();
  const inspectOpts = { dlopenNotes: opts.dlopen !== undefined };
  const env: ProcessEnv = {
    host,
    cacheDirs: readLdSoConfDirs(host),
    out: new NeededFiles(host),
    ...(opts.dlopen ? { dlopen: opts.dlopen } : {}),
    inspect: (path) => {
      const real = host.realpath(path);
      let info = elfCache.get(real);
      if (!info) elfCache.set(real, (info = readElfInfo(host, path, inspectOpts)));
      return info;
    },
  };
  for (const path of paths) {
    const p = normalizeInRoot(path);
    const st = host.stat(p);
    if (!st?.isFile()) {
      const what = plainAllowed ? 'file' : 'program';
      throw new NotFoundError(`${p}: no such ${what} in ${host.root} (or not a regular file); check the name or install it`, p);
    }
    if (plainAllowed && _isPlainFile(host, p, st.mode)) env.out.add(p, 'file requested');
    else _resolveProgram(env, p, 'binary requested', undefined, 0);
  }
  return env.out.list();
}

/** Neither an ELF program/library nor an executable script: copied as it is. */
function _isPlainFile(host: Host, path: string, mode: number): boolean {
  const file = host.open(path);
  let head: Buffer;
  try {
    head = file.read(0, 18);
  } finally {
    file.close();
  }
  if (ElfFile.isElf(head)) {
    if (head.length < 18) return false; // truncated: let the ELF reader report it
    const type = head[5] === 2 ? head.readUInt16BE(16) : head.readUInt16LE(16);
    return type !== ET_EXEC && type !== ET_DYN;
  }
  return !(isScript(head) && (mode & 0o111) !== 0);
}

function _resolveProgram(env: ProcessEnv, path: string, reason: string, via: string | undefined, depth: number): void {
  const program = env.out.add(path, reason, via);
  const info = readExecutableInfo(env.host, program, { dlopenNotes: env.dlopen !== undefined });
  if (info.kind === 'elf') {
    if (info.type !== ET_EXEC && info.type !== ET_DYN)
      throw new BadElfError(`${program}: an ELF file of type ${info.type}, not a program or shared object; name a program`, program);
    loadProcess(env, program, info);
    return;
  }
  if (depth >= MAX_SCRIPT_DEPTH)
    throw new BadElfError(`${program}: #! interpreters nested deeper than ${MAX_SCRIPT_DEPTH}; the kernel refuses to run it`, program);
  const interp = info.interpreter;
  if (!interp.startsWith('/'))
    throw new BadElfError(`${program}: #! interpreter ${interp} is not an absolute path; fix the script's first line`, program);
  if (!env.host.stat(interp)?.isFile())
    throw new BadElfError(`${program}: #! interpreter ${interp} does not exist in ${env.host.root}; install it`, program);
  _resolveProgram(env, interp, `interpreter of ${program}`, program, depth + 1);
  if (posix.basename(interp) !== 'env') return;
  const name = envProgram(info.arg);
  if (name === undefined) return;
  const found = findExecutable(env.host, name);
  if (found === undefined)
    throw new BadElfError(`${program}: runs ${name} through ${interp}, but no ${name} is on PATH in ${env.host.root}; install it`, program);
  _resolveProgram(env, found, `program ${name} run by ${interp} for ${program}`, program, depth + 1);
}
