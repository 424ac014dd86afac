// Every dynamically linked ELF object in the image must find, inside the image, its PT_INTERP and each
// DT_NEEDED library, searched as glibc's ld.so searches (library-search.ts): its own DT_RPATH or
// DT_RUNPATH with $ORIGIN expanded, the image's /etc/ld.so.conf directories, then the ABI's default
// directories. Each object is checked once, as the loader of its own needs, so a missing library is
// reported where it is needed, not once for every program that reaches it. Two cases ld.so
// satisfies without a search are honoured: the dynamic loader answers to its own SONAME, and a
// library may inherit the DT_RPATH of whatever loads it.
import { posix } from 'node:path';
import { defaultLibraryDirs, libTokenOf, platformOf, type ElfAbi } from '../../elf/elf-abi.js';
import { ElfFile, ET_DYN, ET_EXEC } from '../../elf/elf-file.js';
import { readElfInfo, type ElfInfo } from '../../elf/executable-info.js';
import { readLdSoConfDirs } from '../../elf/ld-so-conf.js';
import { findLibrary, searchDirs, type LoadedObject, type SearchContext } from '../../elf/library-search.js';
import { expandSearchPath, expandTokens } from '../../elf/search-path-tokens.js';
import { MkError } from '../../errors.js';
import type { ImageHost } from '../image-host.js';
import { type Problem, problem } from './problem.js';

const FIRMWARE = /^\/(usr\/)?lib\/firmware\//; // device firmware may be ELF for other processors

interface _Object {
  path: string;
  abi: ElfAbi;
  info: ElfInfo;
}

export function checkElfLinks(host: ImageHost): Problem[] {
  const problems: Problem[] = [];
  const objects = _dynamicObjects(host, problems);
  const cacheDirs = readLdSoConfDirs(host);
  const inspected = new Map<string, ElfInfo>();
  const inspect = (p: string): ElfInfo => {
    let info = inspected.get(p);
    if (!info) inspected.set(p, (info = readElfInfo(host, p)));
    return info;
  };
  const loaderNames = _loaderNames(host, objects, inspect);
  const inheritable = objects.flatMap((o) => (o.info.dynamic?.runpath === undefined ? _loaded(host, o).rpathDirs : []));
  const preloaded = _loadedThroughOwnPath(host, objects);

  for (const obj of objects) {
    const { interpreter, dynamic } = obj.info;
    if (interpreter !== undefined && host.stat(interpreter)?.isFile() !== true)
      problems.push(problem(`its program interpreter ${interpreter} is not in the image: add the C library's dynamic loader`, obj.path));
    const ctx = _context(host, obj.abi, cacheDirs, inspect);
    const loader = _loaded(host, obj);
    for (const name of dynamic?.needed ?? []) {
      if (loaderNames.has(name)) continue;
      try {
        findLibrary(ctx, name, loader, obj.path);
        continue;
      } catch (err) {
        if (!(err instanceof MkError)) throw err;
        const dirs = searchDirs(ctx, loader);
        const candidates = name.includes('/') ? [name] : dirs.map((d) => posix.join(d, name));
        if (candidates.some((c) => host.stat(c)?.isFile())) {
          problems.push(problem(err.message, obj.path));
          continue;
        }
        if (interpreter === undefined && inheritable.some((d) => host.stat(posix.join(d, name))?.isFile())) continue;
        if (interpreter === undefined && preloaded.has(name)) continue;
        const where = name.includes('/') ? '' : ` (searched ${dirs.join(':')})`;
        problems.push(problem(`needs ${name}, which is not in the image${where}: add the library`, obj.path));
      }
    }
  }
  return problems;
}

/** Executables and shared objects with a PT_INTERP or DT_NEEDED entries, in path order. */
function _dynamicObjects(host: ImageHost, problems: Problem[]): _Object[] {
  const out: _Object[] = [];
  for (const path of host.tree.paths()) {
    const node = host.tree.get(path);
    const data = node?.content?.data;
    if (node?.type !== 'file' || data === undefined || !ElfFile.isElf(data) || FIRMWARE.test(path)) continue;
    let info: ElfInfo;
    try {
      info = readElfInfo(host, path);
    } catch (err) {
      if (!(err instanceof MkError)) throw err;
      if ((node.mode & 0o111) !== 0 || /\.so(\.|$)/.test(path)) problems.push(problem(err.message, path));
      continue;
    }
    if (info.type !== ET_EXEC && info.type !== ET_DYN) continue;
    if (info.interpreter === undefined && (info.dynamic?.needed.length ?? 0) === 0) continue;
    out.push({ path, abi: info.abi, info });
  }
  return out;
}

/**
 * Names that some program or library of the image finds through its own DT_RUNPATH/DT_RPATH: ld.so has
 * loaded that library before the libraries it also loads need it, and a loaded library answers to its
 * name without a search (systemd's libsystemd-core-252.so needs libsystemd-shared-252.so, which only
 * the program's RUNPATH finds).
 */
function _loadedThroughOwnPath(host: ImageHost, objects: readonly _Object[]): Set<string> {
  const names = new Set<string>();
  for (const o of objects) {
    const loaded = _loaded(host, o);
    const dirs = [...(loaded.runpathDirs ?? []), ...loaded.rpathDirs];
    if (!dirs.length) continue;
    for (const name of o.info.dynamic?.needed ?? []) if (!name.includes('/') && dirs.some((d) => host.stat(posix.join(d, name))?.isFile())) names.add(name);
  }
  return names;
}

/** The names the dynamic loaders in use answer to without a search: their paths and SONAMEs. */
function _loaderNames(host: ImageHost, objects: readonly _Object[], inspect: (p: string) => ElfInfo): Set<string> {
  const names = new Set<string>();
  for (const interp of new Set(objects.flatMap((o) => (o.info.interpreter === undefined ? [] : [o.info.interpreter])))) {
    if (host.stat(interp)?.isFile() !== true) continue;
    names.add(interp);
    try {
      const soname = inspect(interp).dynamic?.soname;
      if (soname !== undefined) names.add(soname);
    } catch (err) {
      if (!(err instanceof MkError)) throw err;
    }
  }
  return names;
}

function _tokens(host: ImageHost, abi: ElfAbi): { platform: string | undefined; lib: string } {
  return { platform: platformOf(abi), lib: libTokenOf(abi, (d) => host.stat(d)?.isDirectory() === true) };
}

function _loaded(host: ImageHost, obj: _Object): LoadedObject {
  const values = { origin: posix.dirname(obj.path), ..._tokens(host, obj.abi) };
  const dyn = obj.info.dynamic;
  const runpathDirs = dyn?.runpath !== undefined ? expandSearchPath(dyn.runpath, values) : undefined;
  const rpathDirs = runpathDirs === undefined && dyn?.rpath !== undefined ? expandSearchPath(dyn.rpath, values) : [];
  return { path: obj.path, realPath: obj.path, names: new Set(), info: obj.info, rpathDirs, runpathDirs, loader: undefined };
}

function _context(host: ImageHost, abi: ElfAbi, cacheDirs: string[], inspect: (p: string) => ElfInfo): SearchContext {
  const tokens = _tokens(host, abi);
  return {
    host,
    abi,
    cacheDirs,
    defaultDirs: defaultLibraryDirs(abi),
    inspect,
    expand: (element, owner) => expandTokens(element, { origin: posix.dirname(owner.path), ...tokens }),
  };
}
