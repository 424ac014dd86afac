// ModuleSource over the kmod database: expands "=DIR" groups, resolves every request with kmod's
// semantics keeping the request's reason, drops omitted modules, finds firmware, and writes the
// depmod files for the chosen subset.
import { posix } from 'node:path';
import { BadModuleError } from '../errors.js';
import type { Host } from '../host/host.js';
import { openKmodDb, type KmodDb } from './kmod-db.js';
import { storedModulePath } from './module-compression.js';
import { normalizeModname } from './names.js';
import { subsetDbOf } from './subset-db.js';
import type { ModuleNote, ModuleRequest, ModuleResolution, ModuleSource, ResolvedModuleFile, ResolvedFirmware } from './module-source.js';

export function openModuleSource(host: Host, kver: string, kmoddir?: string): ModuleSource {
  const db = openKmodDb(host, kver, kmoddir ? { kmoddir } : {});
  return {
    kver,
    resolve: async (requests, omit) => {
      const res = _resolve(db, requests, omit);
      await db.loadModules(res.modules.map((m) => m.inRoot));
      return _withFirmware(db, res);
    },
    resolveAlias: (alias) => db.resolveAlias(alias),
    isBuiltin: (name) => db.isBuiltin(name),
    subsetFiles: (modules) => {
      const out = new Map<string, string | Buffer>();
      // binary files (modules.builtin.modinfo) stay bytes: a string would be re-encoded as UTF-8
      for (const [name, content] of subsetDbOf(db, modules.map((m) => m.name)))
        out.set(name, typeof content === 'string' ? content : Buffer.from(content));
      return out;
    },
  };
}

/**
 * Module names under kernel/DIR (a dracut-style "=drivers/ata" group), in modules.dep order, and the
 * modules.builtin entries under it (drivers this kernel has built in; `builtinList` is that file's text).
 */
function _group(db: KmodDb, dir: string, builtinList: string): { modules: string[]; builtin: string[] } {
  const prefix = `kernel/${dir}/`;
  const modules = db.data.dep.entries.filter((e) => e.path.startsWith(prefix)).map((e) => e.name);
  const builtin = builtinList
    .split('\n')
    .filter((p) => p.startsWith(prefix))
    .map((p) => normalizeModname(posix.basename(p).replace(/\.ko$/, '')));
  return { modules, builtin };
}

type _Chosen = ResolvedModuleFile & { inRoot: string };

/**
 * Requests → module files. A kernel of another flavour may lack what a generic list names, or have it
 * built in: a "=DIR" group that holds no module and an optional request that matches nothing become
 * notes, and so does a request the kernel has built in (it is satisfied). Only a required request the
 * kernel neither has nor builds in is an error.
 */
function _resolve(db: KmodDb, requests: ModuleRequest[], omit: string[]): Omit<ModuleResolution, 'modules' | 'firmware'> & { modules: _Chosen[] } {
  const omitted = new Set(omit.map(normalizeModname));
  const chosen = new Map<string, _Chosen>();
  const warnings: string[] = [];
  const notes: ModuleNote[] = [];
  const builtin = new Set<string>();
  const expanded: ModuleRequest[] = [];
  const inKernel = `kernel ${db.kver}`;
  let builtinList: string | undefined;
  for (const r of requests) {
    if (!r.name.startsWith('=')) {
      expanded.push(r);
      continue;
    }
    const dir = r.name.slice(1).replace(/^\/+|\/+$/g, '');
    builtinList ??= db.host.tryReadText(`${db.kmoddir}/modules.builtin`) ?? '';
    const group = _group(db, dir, builtinList);
    if (group.builtin.length > 0) notes.push({ subject: r.name, text: `built into ${inKernel} (${group.builtin.join(', ')})`, reasons: [r.why] });
    else if (group.modules.length === 0) notes.push({ subject: r.name, text: `no modules under kernel/${dir} in ${inKernel}: skipped`, reasons: [r.why] });
    for (const n of group.modules) expanded.push({ name: n, optional: true, why: `${r.why}, group ${r.name}` });
  }
  for (const r of expanded) {
    if (omitted.has(normalizeModname(r.name))) continue;
    const res = db.resolve([r.name], { unknown: r.optional ? 'warn' : 'error' });
    res.builtin.forEach((b) => builtin.add(b));
    if (res.unresolved.length > 0) notes.push({ subject: r.name, text: `not in ${inKernel}: skipped`, reasons: [r.why] });
    const self = normalizeModname(r.name);
    if (res.builtin.includes(self)) notes.push({ subject: r.name, text: `built into ${inKernel}`, reasons: [r.why] });
    else if (res.modules.length === 0 && res.builtin.length > 0)
      notes.push({ subject: r.name, text: `built into ${inKernel} (${res.builtin.join(', ')})`, reasons: [r.why] });
    for (const w of res.warnings) if (!r.optional) warnings.push(w);
    for (const m of res.modules) {
      if (omitted.has(m.name)) {
        warnings.push(`module ${m.name} is omitted (--omit-drivers) but ${r.name} needs it`);
        continue;
      }
      // "jbd2 ← depends of ext4 ← fs-ext4 of / (ext4 UUID=…)": explain prints these chains as they are
      const reasons = m.reasons.map((why) => (why === 'requested' || why.startsWith('alias ') ? r.why : `${why} ← ${r.why}`));
      const have = chosen.get(m.name);
      if (have) {
        for (const why of reasons) if (!have.reasons.includes(why)) have.reasons.push(why);
        continue;
      }
      chosen.set(m.name, { name: m.name, relPath: storedModulePath(_relPath(db, m.path)), diskPath: db.host.diskPath(m.path), inRoot: m.path, reasons });
    }
  }
  return { modules: [...chosen.values()], builtin: [...builtin].sort(), warnings, notes };
}

/** The firmware the modules ask for, and each compressed module's decompressed bytes (loaded by now). */
function _withFirmware(db: KmodDb, res: ReturnType<typeof _resolve>): ModuleResolution {
  const fw = db.firmware(res.modules.map((m) => ({ name: m.name, path: m.inRoot })));
  const firmware: ResolvedFirmware[] = fw.files.map((f) => ({
    path: f.realPath,
    diskPath: db.host.diskPath(f.realPath),
    links: f.path === f.realPath ? [] : [{ path: f.path, target: f.realPath }],
    module: f.module,
  }));
  const modules = res.modules.map(({ inRoot, ...m }): ResolvedModuleFile => {
    const content = db.decompressed(inRoot);
    return content === undefined ? m : { ...m, content };
  });
  return { modules, firmware, builtin: res.builtin, warnings: [...res.warnings, ...fw.warnings], notes: res.notes };
}

/** A module's path relative to the module directory, as the image's modules.dep will name it. */
function _relPath(db: KmodDb, inRoot: string): string {
  const base = `${db.kmoddir}/`;
  if (!inRoot.startsWith(base)) throw new BadModuleError(`module file ${inRoot} lies outside ${db.kmoddir}: rerun depmod`, inRoot);
  return inRoot.slice(base.length);
}
