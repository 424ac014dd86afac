// The kernel-module facts verify needs, read once: every module file with its .modinfo, and per module
// directory what modules.builtin and modules.builtin.modinfo say the kernel has built in.
import { decompressLimit } from '../../compress/decompress-limit.js';
import { MkError } from '../../errors.js';
import { compressionOf, decompressModule } from '../../kmod/module-compression.js';
import { modinfoFromBytes } from '../../kmod/modinfo-reader.js';
import type { Modinfo } from '../../kmod/modinfo.js';
import { parseBuiltinModinfo, parseModulesBuiltin } from '../../kmod/modules-builtin.js';
import { normalizeAlias } from '../../kmod/names.js';
import type { ImageTree } from '../image-tree.js';
import { imageModules, moduleDirs, type ImageModule, type ModuleDir } from '../image-modules.js';

export interface IndexedModule extends ImageModule {
  modinfo?: Modinfo;
  /** Why the .modinfo could not be read. */
  error?: string;
}

export interface BuiltinInfo {
  /** Whether the image carries modules.builtin for this directory. */
  listed: boolean;
  names: Set<string>;
  /** Normalised aliases of built-in modules ("fs_ext4"). */
  aliases: Set<string>;
}

export interface ModuleIndex {
  dirs: ModuleDir[];
  modules: IndexedModule[];
  /** Names of every module file in the image. */
  names: Set<string>;
  /** By module directory path. */
  builtin: Map<string, BuiltinInfo>;
}

/** `maxDecompressed`: what one compressed module may decompress to (default: derived from its size). */
export function indexModules(tree: ImageTree, maxDecompressed?: number): ModuleIndex {
  const dirs = moduleDirs(tree);
  const modules = imageModules(tree, dirs).map((m) => _withModinfo(tree, m, maxDecompressed));
  const builtin = new Map(dirs.map((d) => [d.path, _builtin(tree, d.path)] as const));
  return { dirs, modules, names: new Set(modules.map((m) => m.name)), builtin };
}

/** Built-in facts for a module (its directory's), or the union of all directories' for a module elsewhere. */
export function builtinFor(index: ModuleIndex, moduleDir: string | undefined): BuiltinInfo {
  const own = moduleDir === undefined ? undefined : index.builtin.get(moduleDir);
  if (own) return own;
  const all = [...index.builtin.values()];
  return {
    listed: all.some((b) => b.listed),
    names: new Set(all.flatMap((b) => [...b.names])),
    aliases: new Set(all.flatMap((b) => [...b.aliases])),
  };
}

function _withModinfo(tree: ImageTree, m: ImageModule, maxDecompressed: number | undefined): IndexedModule {
  const data = tree.get(m.path)?.content?.data ?? Buffer.alloc(0);
  try {
    const bytes = decompressModule(data, compressionOf(m.path), m.path, decompressLimit(data.length, maxDecompressed));
    return { ...m, modinfo: modinfoFromBytes(bytes, m.path) };
  } catch (err) {
    if (!(err instanceof MkError)) throw err;
    return { ...m, error: err.message };
  }
}

function _builtin(tree: ImageTree, dir: string): BuiltinInfo {
  const list = tree.resolve(`${dir}/modules.builtin`)?.node?.content?.data;
  const modinfo = tree.resolve(`${dir}/modules.builtin.modinfo`)?.node?.content?.data;
  const names = list ? parseModulesBuiltin(list.toString('utf8')) : new Set<string>();
  const aliases = new Set<string>();
  for (const rec of modinfo ? parseBuiltinModinfo(modinfo) : []) {
    if (rec.key !== 'alias') continue;
    const alias = normalizeAlias(rec.value);
    if (alias !== undefined) aliases.add(alias);
  }
  return { listed: list !== undefined, names, aliases };
}
