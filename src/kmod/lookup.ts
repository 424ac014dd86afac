// kmod's lookup of a request (module name or alias), source by source; the first source that yields
// anything wins: 1. modprobe.d aliases (all that match), 2. a module of that name in modules.dep,
// 3. "symbol:" aliases from modules.symbols, 4. a modprobe.d install command of exactly that name,
// 5. modules.alias, 6. modules.builtin, 7. aliases of built-in modules (modules.builtin.modinfo).
import type { KmodData } from './kmod-data.js';
import { normalizeModname } from './names.js';

/** One module a lookup yields, with what kmod remembers about how it was found. */
export interface ModuleRef {
  /** kmod's identity of the object: "name", or "name\alias" when found through an alias. */
  readonly key: string;
  readonly name: string;
  /** The alias it was found by (the request, or the modprobe.d alias pattern). */
  readonly alias?: string;
  /** Known built in (found in a builtin index); otherwise decided by modules.builtin. */
  readonly builtin?: boolean;
  /** An install command attached by the lookup itself (source 4). */
  readonly install?: string;
  /** The file as a dependency line named it (dependencies only). */
  readonly depPath?: string;
  readonly source: LookupSource;
}

export type LookupSource = 'config-alias' | 'modules.dep' | 'symbols' | 'install' | 'modules.alias' | 'builtin' | 'builtin-alias';

export function refByName(name: string, source: LookupSource, extra: Partial<ModuleRef> = {}): ModuleRef {
  return { key: name, name, source, ...extra };
}

function _refByAlias(name: string, alias: string, source: LookupSource, builtin?: boolean): ModuleRef {
  return builtin ? { key: `${name}\\${alias}`, name, alias, builtin, source } : { key: `${name}\\${alias}`, name, alias, source };
}

/** Look up an already normalised request (see normalizeAlias). */
export function lookupModules(data: KmodData, key: string): ModuleRef[] {
  const fromConfig = data.config.aliases.filter((a) => a.glob.matches(key)).map((a) => _refByAlias(a.module, a.pattern, 'config-alias'));
  if (fromConfig.length > 0) return fromConfig;
  if (!key.includes(':') && data.dep.byName.has(key)) return [refByName(normalizeModname(key), 'modules.dep')];
  const prio = (m: string): number => data.priority.get(m) ?? Number.MAX_SAFE_INTEGER;
  if (key.startsWith('symbol:')) {
    const mods = data.symbols().lookup(key, prio);
    if (mods.length > 0) return mods.map((m) => _refByAlias(m, key, 'symbols'));
  }
  const cmd = data.config.install.find((c) => c.pattern === key);
  if (cmd) return [refByName(normalizeModname(key), 'install', { install: cmd.command })];
  const mods = data.aliases.lookup(key, prio);
  if (mods.length > 0) return mods.map((m) => _refByAlias(m, key, 'modules.alias'));
  if (data.builtin.has(key)) return [refByName(normalizeModname(key), 'builtin', { builtin: true })];
  return data.builtinAliases.lookup(key, () => 0).map((m) => _refByAlias(m, key, 'builtin-alias', true));
}
