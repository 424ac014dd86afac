// Turn requests (module names, aliases) into the modules an image must hold, in the order modprobe
// would load them: each request's probe list in turn, a module kept at its first appearance (which
// already follows its dependencies), every reason it was pulled in kept with it.
import { BadModuleError } from '../errors.js';
import type { KmodData } from './kmod-data.js';
import { lookupModules, type ModuleRef } from './lookup.js';
import { normalizeAlias } from './names.js';
import { probeModule, type ProbeStep } from './probe-list.js';

export interface ResolvedModule {
  readonly name: string;
  /** In-root path of the module file. */
  readonly path: string;
  /** "requested", "alias A", "depends of X", "softdep pre of X", "softdep post of X". */
  readonly reasons: string[];
  /** modprobe.d options modprobe would pass ("" when none). */
  readonly options: string;
  /** A modprobe.d install command modprobe would run instead of loading the file itself. */
  readonly install?: string;
}

export interface Resolution {
  /** Load order: every module after the modules it needs. */
  readonly modules: ResolvedModule[];
  /** Modules the request needs that the kernel has built in. */
  readonly builtin: string[];
  /** Requests that matched nothing (only when `unknown: 'warn'`). */
  readonly unresolved: string[];
  readonly warnings: string[];
}

export interface ResolveOptions {
  /** What an unknown name or alias does: throw a BadModuleError (default) or add a warning. */
  unknown?: 'error' | 'warn';
}

export function resolveModules(data: KmodData, requests: readonly string[], opts: ResolveOptions = {}): Resolution {
  const byName = new Map<string, { name: string; path: string; reasons: string[]; options: string; install?: string }>();
  const builtin: string[] = [];
  const unresolved: string[] = [];
  const warnings: string[] = [];
  for (const request of requests) {
    const refs = _lookupRequest(data, request);
    if (refs.length === 0) {
      const msg = `unknown module or alias '${request}' for kernel ${data.kver} (modules.dep in ${data.kmoddir})`;
      if (opts.unknown === 'warn') {
        unresolved.push(request);
        warnings.push(msg);
        continue;
      }
      throw new BadModuleError(msg, `${data.kmoddir}/modules.dep`);
    }
    for (const ref of refs) {
      if (ref.alias !== undefined && data.config.blacklist.includes(ref.name)) {
        warnings.push(`'${request}' resolves to ${ref.name}, which is blacklisted in modprobe.d: skipped`);
        continue;
      }
      const top = ref.alias === undefined ? 'requested' : `alias ${request}`;
      const probe = probeModule(data, ref, top);
      warnings.push(...probe.warnings);
      for (const step of probe.steps) _add(step, byName, builtin, warnings);
    }
  }
  return { modules: [...byName.values()], builtin, unresolved, warnings: [...new Set(warnings)] };
}

function _lookupRequest(data: KmodData, request: string): ModuleRef[] {
  const key = normalizeAlias(request);
  return key === undefined ? [] : lookupModules(data, key);
}

function _add(
  step: ProbeStep,
  byName: Map<string, { name: string; path: string; reasons: string[]; options: string; install?: string }>,
  builtin: string[],
  warnings: string[],
): void {
  const name = step.ref.name;
  if (step.action === 'builtin') {
    if (!builtin.includes(name)) builtin.push(name);
    return;
  }
  if (step.path === undefined) {
    if (step.action === 'none') warnings.push(`${name} (${step.reason}) has no file in modules.dep and is not built in: skipped`);
    else warnings.push(`${name} (${step.reason}) has no file; modprobe would run: ${step.install ?? ''}`);
    return;
  }
  const have = byName.get(name);
  if (have) {
    if (!have.reasons.includes(step.reason)) have.reasons.push(step.reason);
    return;
  }
  byName.set(name, {
    name,
    path: step.path,
    reasons: [step.reason],
    options: step.options,
    ...(step.action === 'install' && step.install !== undefined ? { install: step.install } : {}),
  });
}
