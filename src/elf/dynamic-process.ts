// Simulate what glibc's ld.so loads for one dynamically linked program, without running anything:
// the kernel maps the program and its PT_INTERP; ld.so then walks DT_NEEDED breadth first. A name
// that an already loaded object answers to (a name it was loaded by, its SONAME, or the same file
// reached by another path) is not searched again; everything else is searched for by
// library-search.ts with the requesting object as loader, which is what makes RPATH inheritance
// depend on the breadth-first order.
import { posix } from 'node:path';
import { BadElfError } from '../errors.js';
import type { Host } from '../host/host.js';
import { defaultLibraryDirs, describeAbi, libTokenOf, platformOf, type ElfAbi } from './elf-abi.js';
import type { DlopenDependency } from './dlopen-notes.js';
import type { ElfInfo } from './executable-info.js';
import { findLibrary, type LoadedObject, type SearchContext } from './library-search.js';
import type { NeededFiles } from './needed-files.js';
import { expandSearchPath, expandTokens, type TokenValues } from './search-path-tokens.js';

export interface ProcessEnv {
  host: Host;
  /** The ld.so.conf directories of the sysroot. */
  cacheDirs: string[];
  /** Memoised ELF inspection by in-root path. */
  inspect(path: string): ElfInfo;
  out: NeededFiles;
  /** Which declared dlopen() libraries (.note.dlopen) to load too; none when absent. */
  dlopen?: (dep: DlopenDependency, from: string) => boolean;
}

/** Record the interpreter and every library `program` (a symlink-free in-root path) loads. */
export function loadProcess(env: ProcessEnv, program: string, info: ElfInfo): void {
  const abi = info.abi;
  const tokens = { platform: platformOf(abi), lib: libTokenOf(abi, (d) => env.host.stat(d)?.isDirectory() === true) };
  const valuesFor = (originOf: string): TokenValues => ({ origin: posix.dirname(originOf), ...tokens });
  const ctx: SearchContext = {
    host: env.host,
    abi,
    cacheDirs: env.cacheDirs,
    defaultDirs: defaultLibraryDirs(abi),
    inspect: env.inspect,
    expand: (element, owner) => expandTokens(element, valuesFor(owner.path)),
  };
  const make = (path: string, realPath: string, objInfo: ElfInfo, loader: LoadedObject | undefined): LoadedObject => {
    const dyn = objInfo.dynamic;
    const values = valuesFor(path);
    const runpathDirs = dyn?.runpath !== undefined ? expandSearchPath(dyn.runpath, values) : undefined;
    const rpathDirs = runpathDirs === undefined && dyn?.rpath !== undefined ? expandSearchPath(dyn.rpath, values) : [];
    const names = new Set<string>(dyn?.soname !== undefined ? [dyn.soname] : []);
    return { path, realPath, names, info: objInfo, rpathDirs, runpathDirs, loader };
  };

  const main = make(program, program, info, undefined);
  const loaded: LoadedObject[] = [main];
  if (info.interpreter !== undefined) loaded.push(_loadInterpreter(env, program, info.interpreter, abi, make));

  for (let i = 0; i < loaded.length; i++) {
    const obj = loaded[i] as LoadedObject;
    if (obj !== main && obj.loader === undefined) continue; // the interpreter relocates itself
    for (const name of obj.info.dynamic?.needed ?? []) {
      const known = loaded.find((l) => l.names.has(name) || l.path === name);
      if (known) {
        known.names.add(name);
        continue;
      }
      const found = findLibrary(ctx, name, obj, program);
      const realPath = env.out.add(found.path, `library ${name} of ${obj.realPath}`, obj.realPath);
      const same = loaded.find((l) => l.realPath === realPath);
      if (same) {
        same.names.add(name);
        continue;
      }
      const lib = make(found.path, realPath, found.info, obj);
      lib.names.add(name);
      loaded.push(lib);
    }
    for (const dep of obj.info.dlopen ?? []) if (env.dlopen?.(dep, obj.realPath)) _loadDlopened(env, ctx, make, loaded, obj, dep, program);
  }
}

/**
 * One declared dlopen() dependency: the first of its sonames the sysroot has (they are alternatives,
 * best first), loaded like a DT_NEEDED library so its own libraries come too. A sysroot without any
 * of them is fine (the program runs without the feature) unless the note says "required".
 */
function _loadDlopened(
  env: ProcessEnv,
  ctx: SearchContext,
  make: (path: string, realPath: string, info: ElfInfo, loader: LoadedObject) => LoadedObject,
  loaded: LoadedObject[],
  obj: LoadedObject,
  dep: DlopenDependency,
  program: string,
): void {
  if (dep.sonames.some((n) => loaded.some((l) => l.names.has(n)))) return;
  for (const name of dep.sonames) {
    let found;
    try {
      found = findLibrary(ctx, name, obj, program);
    } catch (err) {
      if (err instanceof BadElfError) continue;
      throw err;
    }
    const realPath = env.out.add(found.path, `library ${name} that ${obj.realPath} may dlopen (${dep.feature || 'no feature named'}, ${dep.priority})`, obj.realPath);
    const same = loaded.find((l) => l.realPath === realPath);
    if (same) same.names.add(name);
    else {
      const lib = make(found.path, realPath, found.info, obj);
      lib.names.add(name);
      loaded.push(lib);
    }
    return;
  }
  if (dep.priority === 'required')
    throw new BadElfError(`${obj.realPath} needs one of ${dep.sonames.join(', ')} (dlopen, ${dep.feature}), none of which is in ${env.host.root}; install it`, obj.realPath);
}

function _loadInterpreter(
  env: ProcessEnv,
  program: string,
  interpreter: string,
  abi: ElfAbi,
  make: (path: string, realPath: string, info: ElfInfo, loader: undefined) => LoadedObject,
): LoadedObject {
  if (!interpreter.startsWith('/'))
    throw new BadElfError(`${program}: its interpreter ${interpreter} is not an absolute path; rebuild the program`, program);
  if (!env.host.stat(interpreter)?.isFile())
    throw new BadElfError(`${program}: its interpreter ${interpreter} does not exist in ${env.host.root}; install the C library`, program);
  const realPath = env.out.add(interpreter, `interpreter of ${program}`, program);
  const info = env.inspect(interpreter);
  const same = (a: ElfAbi): boolean => a.elfClass === abi.elfClass && a.machine === abi.machine && a.littleEndian === abi.littleEndian;
  if (!same(info.abi))
    throw new BadElfError(
      `${program}: its interpreter ${interpreter} is ${describeAbi(info.abi)}, the program ${describeAbi(abi)}; fix the sysroot`,
      program,
    );
  const obj = make(interpreter, realPath, info, undefined);
  obj.names.add(interpreter);
  return obj;
}
