// The module database of one kernel as plain data, built from the texts of its files (no I/O here):
// modules.dep, the alias tables, builtins, and the modprobe configuration in effect.
import { AliasIndex } from './alias-index.js';
import { AliasTable, type AliasLookup } from './alias-table.js';
import { parseBuiltinModinfo, parseModulesBuiltin } from './modules-builtin.js';
import { parseModulesDep, type ModulesDep } from './modules-dep.js';
import type { ModprobeConfig } from './modprobe-config.js';
import { normalizeAlias } from './names.js';

export interface KmodData {
  readonly kver: string;
  /** In-root module directory ("/lib/modules/KVER"). */
  readonly kmoddir: string;
  readonly dep: ModulesDep;
  /** Position of each module in modules.dep: depmod's priority when an alias matches several. */
  readonly priority: ReadonlyMap<string, number>;
  readonly aliases: AliasLookup;
  readonly builtin: ReadonlySet<string>;
  readonly builtinAliases: AliasIndex;
  /** modules.symbols, parsed on first "symbol:" lookup. */
  symbols(): AliasLookup;
  readonly config: ModprobeConfig;
}

export interface KmodTexts {
  kver: string;
  kmoddir: string;
  modulesDep: string;
  modulesAlias?: string;
  /** modules.alias.bin, when present and readable: used instead of the text (it is what kmod reads). */
  aliasIndex?: AliasLookup;
  modulesBuiltin?: string;
  modulesBuiltinModinfo?: Uint8Array | string;
  /** Called at most once, when a "symbol:" request needs it: modules.symbols.bin, else the text. */
  modulesSymbols?: () => AliasLookup | string | undefined;
  /** The configuration (modules.softdep included) already parsed. */
  config: ModprobeConfig;
}

export function buildKmodData(t: KmodTexts): KmodData {
  const depFile = `${t.kmoddir}/modules.dep`;
  const dep = parseModulesDep(t.modulesDep, depFile);
  const priority = new Map<string, number>();
  dep.entries.forEach((e, i) => {
    if (!priority.has(e.name)) priority.set(e.name, i);
  });
  const aliases: AliasLookup =
    t.aliasIndex ?? (t.modulesAlias === undefined ? new AliasIndex() : AliasTable.fromText(t.modulesAlias, `${t.kmoddir}/modules.alias`));
  const builtinRecords = t.modulesBuiltinModinfo === undefined ? [] : parseBuiltinModinfo(t.modulesBuiltinModinfo);
  const builtinAliases = new AliasIndex(
    builtinRecords.filter((r) => r.key === 'alias').flatMap((r) => {
      const pattern = normalizeAlias(r.value);
      return pattern === undefined ? [] : [{ pattern, module: r.module }];
    }),
  );
  let symbols: AliasLookup | undefined;
  return {
    kver: t.kver,
    kmoddir: t.kmoddir,
    dep,
    priority,
    aliases,
    builtin: t.modulesBuiltin === undefined ? new Set() : parseModulesBuiltin(t.modulesBuiltin),
    builtinAliases,
    symbols(): AliasLookup {
      if (!symbols) {
        const source = t.modulesSymbols?.();
        symbols =
          source === undefined ? new AliasIndex() : typeof source === 'string' ? AliasTable.fromText(source, `${t.kmoddir}/modules.symbols`) : source;
      }
      return symbols;
    },
    config: t.config,
  };
}

/** The in-root path of a modules.dep path (relative paths are under the module directory). */
export function inRootModulePath(data: KmodData, depPath: string): string {
  return depPath.startsWith('/') ? depPath : `${data.kmoddir}/${depPath}`;
}
