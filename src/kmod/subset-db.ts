// The modules.* files for a subset of a kernel's modules (those an image holds), in depmod's format
// and order, so `modprobe` inside the image resolves names and aliases to what is there. Lines come
// from the full database filtered to the subset: depmod writes modules in modules.order order and
// each module's aliases/softdeps in .modinfo order, so a filtered file is what depmod would write.
// Only the order of the dependencies inside a modules.dep line depends on the set; given the
// depmod sort of the subset (subsetDbOf computes it from the modules' symbols) lines are rewritten
// in that order. The kernel-wide files are copied as they are.
import { ModulesDbError } from '../errors.js';
import { inRootModulePath } from './kmod-data.js';
import type { KmodDb } from './kmod-db.js';
import { depmodSortIndex, directDependencies } from './depmod-order.js';
import { ElfFile } from '../elf/elf-file.js';
import { storedModulePath } from './module-compression.js';
import { readUndefinedSymbols, undefinedSymbols } from './module-symbols.js';
import { modnameFromPath } from './names.js';
import { parseModulesDep, type ModulesDep } from './modules-dep.js';

export interface SourceDbTexts {
  /** In-root module directory, for messages. */
  kmoddir: string;
  /** modules.dep, as text or already parsed. */
  modulesDep: string | ModulesDep;
  modulesAlias?: string;
  modulesSoftdep?: string;
  modulesSymbols?: string;
  modulesDevname?: string;
  modulesOrder?: string;
  modulesBuiltin?: string;
  modulesBuiltinModinfo?: Uint8Array;
}

/** File name (in the module directory) → contents. */
export type SubsetDbFiles = Map<string, string | Uint8Array>;

const HEADERS = {
  alias: '# Aliases extracted from modules themselves.\n',
  softdep: '# Soft dependencies extracted from modules themselves.\n',
  symbols: '# Aliases for symbols, used by symbol_request().\n',
  devname: '# Device nodes to trigger on-demand module loading.\n',
};

/**
 * The database files for exactly `names` (module names), which must include their dependencies.
 * `depOrder` (module → depmod sort index on the subset) reorders the dependencies inside lines.
 */
export function buildSubsetDb(src: SourceDbTexts, names: Iterable<string>, depOrder?: ReadonlyMap<string, number>): SubsetDbFiles {
  const want = new Set(names);
  const dep = typeof src.modulesDep === 'string' ? parseModulesDep(src.modulesDep, `${src.kmoddir}/modules.dep`) : src.modulesDep;
  for (const name of want) {
    const entry = dep.byName.get(name);
    if (!entry) throw new ModulesDbError(`module ${name} is not in ${src.kmoddir}/modules.dep; it cannot be part of the image's module set`);
    const missing = entry.deps.map(modnameFromPath).filter((d) => !want.has(d));
    if (missing.length > 0)
      throw new ModulesDbError(`the module set is not closed: ${name} needs ${missing.join(', ')} (resolve the set with its dependencies)`);
  }
  // the image stores every module decompressed: its files name x.ko where the kernel's name x.ko.xz
  const depLines = dep.entries
    .filter((e) => want.has(e.name) && dep.byName.get(e.name) === e)
    .map((e) => _depLine(storedModulePath(e.path), e.deps.map(storedModulePath), depOrder));
  const files: SubsetDbFiles = new Map();
  files.set('modules.dep', _text(depLines));
  files.set('modules.alias', HEADERS.alias + _text(_byLastWord(src.modulesAlias, want)));
  files.set('modules.softdep', HEADERS.softdep + _text(_byWord(src.modulesSoftdep, 1, want)));
  files.set('modules.symbols', HEADERS.symbols + _text(_byLastWord(src.modulesSymbols, want)));
  const devname = _byWord(src.modulesDevname, 0, want);
  files.set('modules.devname', devname.length > 0 ? HEADERS.devname + _text(devname) : '');
  if (src.modulesOrder !== undefined)
    files.set('modules.order', _text(_lines(src.modulesOrder).filter((l) => l.trim() !== '' && want.has(modnameFromPath(l.trim()))).map(storedModulePath)));
  if (src.modulesBuiltin !== undefined) files.set('modules.builtin', src.modulesBuiltin);
  if (src.modulesBuiltinModinfo !== undefined) files.set('modules.builtin.modinfo', src.modulesBuiltinModinfo);
  return files;
}

function _depLine(path: string, deps: readonly string[], order: ReadonlyMap<string, number> | undefined): string {
  const ranked = order === undefined ? deps : _sortedBy(deps, order);
  return `${path}:${ranked.map((d) => ` ${d}`).join('')}`;
}

function _sortedBy(deps: readonly string[], order: ReadonlyMap<string, number>): string[] {
  const rank = (d: string): number => order.get(modnameFromPath(d)) ?? Number.MAX_SAFE_INTEGER;
  return deps.map((d, i) => ({ d, r: rank(d), i })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.d);
}

/**
 * depmod's dependency sort of the subset, from each module's undefined symbols and the subset's
 * "alias symbol:NAME MODULE" lines of modules.symbols.
 */
export function subsetDepOrder(db: KmodDb, dep: ModulesDep, names: ReadonlySet<string>, modulesOrder: string | undefined, symbolLines: readonly string[]): Map<string, number> {
  const ordered = (modulesOrder ?? '').split('\n').map((l) => modnameFromPath(l.trim())).filter((n) => names.has(n));
  const modules = [...new Set([...ordered, ...dep.entries.map((e) => e.name).filter((n) => names.has(n))])];
  const owners = new Map<string, string>();
  for (const line of symbolLines) {
    const w = line.split(' ');
    if (w.length === 3 && w[0] === 'alias' && w[1]?.startsWith('symbol:') && names.has(w[2] as string) && !owners.has(w[1].slice(7)))
      owners.set(w[1].slice(7), w[2] as string);
  }
  const directDeps = new Map<string, string[]>();
  for (const name of modules) {
    const entry = dep.byName.get(name);
    if (!entry || entry.deps.length === 0) continue;
    directDeps.set(name, directDependencies(name, _undefinedSymbols(db, inRootModulePath(db.data, entry.path)), (s) => owners.get(s)));
  }
  return depmodSortIndex({ modules, directDeps });
}

function _undefinedSymbols(db: KmodDb, path: string): string[] {
  const bytes = db.decompressed(path);
  return bytes === undefined ? readUndefinedSymbols(db.host, path) : undefinedSymbols(ElfFile.fromBytes(bytes, path));
}

/** Read the source files of `db` through its Host and build the subset for `names`, in depmod's order. */
export function subsetDbOf(db: KmodDb, names: Iterable<string>): SubsetDbFiles {
  const dir = db.kmoddir;
  const read = (f: string): string | undefined => db.host.tryReadText(`${dir}/${f}`);
  const src: SourceDbTexts = { kmoddir: dir, modulesDep: db.data.dep };
  const set = <K extends keyof SourceDbTexts>(k: K, v: SourceDbTexts[K] | undefined): void => {
    if (v !== undefined) src[k] = v;
  };
  const want = new Set(names);
  // modules.symbols is big and needed twice (the order, the file): filtered once, kept filtered
  const symbolLines = _byLastWord(read('modules.symbols'), want);
  set('modulesAlias', read('modules.alias'));
  set('modulesSoftdep', read('modules.softdep'));
  src.modulesSymbols = _text(symbolLines);
  set('modulesDevname', read('modules.devname'));
  set('modulesOrder', read('modules.order'));
  set('modulesBuiltin', read('modules.builtin'));
  if (db.host.exists(`${dir}/modules.builtin.modinfo`)) src.modulesBuiltinModinfo = db.host.readFile(`${dir}/modules.builtin.modinfo`);
  const order = subsetDepOrder(db, db.data.dep, want, src.modulesOrder, symbolLines);
  return buildSubsetDb(src, want, order);
}

function _lines(text: string | undefined): string[] {
  if (text === undefined) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function _text(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

// Data lines (not comments) whose last word is a wanted module ("alias PATTERN MODULE"). One regular
// expression over the whole text: modules.alias and modules.symbols have ~40k lines, and the regex
// engine scans them natively ~3× faster than a loop in a short-lived (not yet optimised) process.
function _byLastWord(text: string | undefined, want: ReadonlySet<string>): string[] {
  if (text === undefined || want.size === 0) return [];
  const names = [...want].map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  // lazy: a greedy [^\n]* runs to the line's end and backs off a character at a time (2× slower)
  return text.match(new RegExp(`^[^#\\n][^\\n]*? (?:${names})[ \\t\\r]*$`, 'gm')) ?? [];
}

// Data lines whose n-th word is a wanted module ("softdep MODULE ...", "MODULE devname c1:2").
function _byWord(text: string | undefined, n: number, want: ReadonlySet<string>): string[] {
  return _lines(text).filter((l) => l !== '' && l[0] !== '#' && want.has(l.trim().split(/[ \t]+/)[n] ?? ''));
}
