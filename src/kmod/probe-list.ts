// What `modprobe` does for one module found by a lookup, step by step as kmod builds its probe list:
// for each dependency in modules.dep (the line read from the end), its softdep "pre:" modules (each
// with its own probe list), the dependency, its "post:" modules; then the same for the module itself.
// Only the first modprobe.d/modules.softdep line whose pattern matches a module counts. Every step
// says what modprobe would do with it: insmod a file, run an install command, or nothing (built in).
import type { KmodData } from './kmod-data.js';
import { inRootModulePath } from './kmod-data.js';
import { lookupModules, refByName, type ModuleRef } from './lookup.js';
import { modnameFromPath, normalizeAlias } from './names.js';

export type ProbeAction = 'insmod' | 'install' | 'builtin' | 'none';

export interface ProbeStep {
  readonly ref: ModuleRef;
  readonly action: ProbeAction;
  /** In-root module file ('insmod' steps, and 'install' steps whose module has a file). */
  readonly path?: string;
  /** Options from modprobe.d (and the kernel command line), as modprobe passes them. */
  readonly options: string;
  readonly install?: string;
  /** Why this module is loaded: "requested", "depends of X", "softdep pre of X", "softdep post of X". */
  readonly reason: string;
}

export interface ProbeResult {
  readonly steps: ProbeStep[];
  /** Softdep names that resolved to nothing ("softdep pre of X: 'foo' not found"). */
  readonly warnings: string[];
}

/** The probe list of one top-level module (kmod_module_probe_insert_module in dry-run). */
export function probeModule(data: KmodData, top: ModuleRef, reason: string): ProbeResult {
  const visited = new Set<string>();
  const steps: ProbeStep[] = [];
  const warnings: string[] = [];
  const ignoreCmd = new Map<string, boolean>();

  const softdepsOf = (name: string): { pre: ModuleRef[]; post: ModuleRef[] } => {
    const sd = data.config.softdeps.find((s) => s.glob.matches(name));
    if (!sd) return { pre: [], post: [] };
    const look = (names: readonly string[], kind: string): ModuleRef[] =>
      names.flatMap((n) => {
        const key = normalizeAlias(n);
        const refs = key === undefined ? [] : lookupModules(data, key);
        if (refs.length === 0) warnings.push(`softdep ${kind} of ${name}: '${n}' not found`);
        return refs;
      });
    return { pre: look(sd.pre, 'pre'), post: look(sd.post, 'post') };
  };

  const fillSoftdep = (ref: ModuleRef, why: string): void => {
    const { pre, post } = softdepsOf(ref.name);
    for (const p of pre) probeList(p, `softdep pre of ${ref.name}`);
    ignoreCmd.set(ref.key, pre.length > 0 || post.length > 0);
    steps.push({ ref, action: 'none', options: '', reason: why });
    for (const p of post) probeList(p, `softdep post of ${ref.name}`);
  };

  const probeList = (ref: ModuleRef, why: string): void => {
    if (visited.has(ref.key)) return;
    visited.add(ref.key);
    const line = data.dep.byName.get(ref.name);
    const deps = line ? [...line.deps].reverse() : [];
    for (const depPath of deps) fillSoftdep(refByName(modnameFromPath(depPath), 'modules.dep', { depPath }), `depends of ${ref.name}`);
    fillSoftdep(ref, why);
  };

  probeList(top, reason);
  return { steps: steps.map((s) => _decide(data, s, ignoreCmd.get(s.ref.key) ?? false)), warnings };
}

function _decide(data: KmodData, step: ProbeStep, ignoreCmd: boolean): ProbeStep {
  const { ref } = step;
  const options = _moduleOptions(data, ref);
  const install = ref.install ?? data.config.install.find((c) => c.glob.matches(ref.name))?.command;
  const depPath = ref.depPath ?? data.dep.byName.get(ref.name)?.path;
  const path = depPath === undefined ? undefined : inRootModulePath(data, depPath);
  const base = { ...step, options, ...(path === undefined ? {} : { path }) };
  if (install !== undefined && !ignoreCmd) return { ...base, action: 'install', install };
  if (path !== undefined) return { ...base, action: 'insmod' };
  if (ref.builtin ?? data.builtin.has(ref.name)) return { ...base, action: 'builtin' };
  return base;
}

/** modprobe.d options for a module: lines naming the module or the alias it was found by. */
function _moduleOptions(data: KmodData, ref: ModuleRef): string {
  return data.config.options
    .filter((o) => o.module === ref.name || (ref.alias !== undefined && o.module === ref.alias))
    .map((o) => o.options)
    .filter((o) => o.length > 0)
    .join(' ');
}

/**
 * A step as `modprobe --show-depends` prints it (undefined for a step it does not print). libkmod joins
 * a module's modprobe.d options with modprobe's command-line options by a space even when the latter are
 * empty, so options, of the requested module and of its dependencies alike, end in a blank.
 */
export function showDependsLine(step: ProbeStep): string | undefined {
  const options = step.options !== '' ? `${step.options} ` : '';
  switch (step.action) {
    case 'insmod':
      return `insmod ${step.path ?? ''} ${options}`;
    case 'install':
      return `install ${step.install ?? ''} ${options}`;
    case 'builtin':
      return `builtin ${step.ref.name}`;
    default:
      return undefined;
  }
}
