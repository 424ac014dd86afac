// Where glibc's ld.so looks for one DT_NEEDED name, and which candidate it accepts:
//   1. DT_RPATH of the requesting object, then of the object that loaded it, and on up to the main
//      program — skipped entirely when the requesting object has a DT_RUNPATH;
//   2. (LD_LIBRARY_PATH: ignored, the image sets none);
//   3. DT_RUNPATH of the requesting object only;
//   4. ld.so.cache, i.e. the ld.so.conf directories;
//   5. the ABI's trusted default directories.
// A candidate of another ELF class or machine is skipped; any other unusable candidate (garbage,
// wrong byte order, not a shared object) is an error, as it is for ld.so.
import { BadElfError } from '../errors.js';
import type { Host } from '../host/host.js';
import { normalizeInRoot } from '../host/in-root-path.js';
import { describeAbi, type ElfAbi } from './elf-abi.js';
import { ET_DYN } from './elf-file.js';
import type { ElfInfo } from './executable-info.js';
import { expandTokens } from './search-path-tokens.js';

/** One object of a simulated process (glibc's link_map). */
export interface LoadedObject {
  /** The path ld.so opened it by (in-root, may contain symlinks). */
  path: string;
  /** The file, symlinks resolved. */
  realPath: string;
  /** Every DT_NEEDED name that already resolves to this object (the names it was loaded by, its SONAME). */
  names: Set<string>;
  info: ElfInfo;
  /** DT_RPATH dirs, expanded; [] when the object has a DT_RUNPATH (which overrides it). */
  rpathDirs: string[];
  /** DT_RUNPATH dirs, expanded; undefined when it has none. */
  runpathDirs: string[] | undefined;
  /** The object whose DT_NEEDED first caused this one to load (l_loader); undefined for the program. */
  loader: LoadedObject | undefined;
}

export interface SearchContext {
  host: Host;
  /** The ABI of the process; candidates must match it. */
  abi: ElfAbi;
  cacheDirs: string[];
  defaultDirs: string[];
  /** Memoised inspection of a candidate (by in-root path). */
  inspect(path: string): ElfInfo;
  /** Expand $ORIGIN etc. for a path written inside `owner`. */
  expand(element: string, owner: LoadedObject): string | undefined;
}

export interface Found {
  path: string;
  info: ElfInfo;
}

/** The directories ld.so tries for a name needed by `loader`, in order, without repeats. */
export function searchDirs(ctx: SearchContext, loader: LoadedObject): string[] {
  const dirs: string[] = [];
  if (loader.runpathDirs === undefined) {
    for (let l: LoadedObject | undefined = loader; l; l = l.loader) dirs.push(...l.rpathDirs);
  }
  dirs.push(...(loader.runpathDirs ?? []), ...ctx.cacheDirs, ...ctx.defaultDirs);
  return [...new Set(dirs)];
}

/** Locate `name` for `loader`; throws BadElfError naming the library, the requester and the dirs. */
export function findLibrary(ctx: SearchContext, name: string, loader: LoadedObject, program: string): Found {
  if (name.includes('/')) {
    const expanded = ctx.expand(name, loader);
    const path = expanded === undefined ? undefined : normalizeInRoot(expanded);
    const found = path === undefined ? undefined : _tryCandidate(ctx, path);
    if (found) return found;
    throw new BadElfError(
      `${name}, needed by ${loader.realPath} (for ${program}), does not exist in ${ctx.host.root}; install the package that provides it`,
      program,
    );
  }
  const dirs = searchDirs(ctx, loader);
  for (const dir of dirs) {
    const found = _tryCandidate(ctx, dir === '/' ? `/${name}` : `${dir}/${name}`);
    if (found) return found;
  }
  throw new BadElfError(
    `library ${name}, needed by ${loader.realPath} (for ${program}), not found in ${ctx.host.root} for ${describeAbi(ctx.abi)}; searched ${dirs.join(':')}; install the package that provides it`,
    program,
  );
}

function _tryCandidate(ctx: SearchContext, path: string): Found | undefined {
  if (!ctx.host.stat(path)?.isFile()) return undefined;
  const info = ctx.inspect(path);
  const { abi } = info;
  if (abi.elfClass !== ctx.abi.elfClass) return undefined;
  if (abi.littleEndian !== ctx.abi.littleEndian) {
    const order = ctx.abi.littleEndian ? 'little' : 'big';
    throw new BadElfError(`${path}: ELF file data encoding not ${order}-endian; remove it or fix the search path`, path);
  }
  if (abi.machine !== ctx.abi.machine) return undefined;
  if (info.type !== ET_DYN)
    throw new BadElfError(`${path}: not a shared object (only ET_DYN objects can be loaded as libraries)`, path);
  return { path, info };
}
