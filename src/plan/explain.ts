// "Why is this file in my image?": each entry's reasons as chains, and the whole plan grouped.
import type { Plan, PlanEntry, Reason } from './plan.js';

const MODULE_FILE = /\/lib\/modules\/[^/]+\/.*\/([^/]+)\.ko(\.[a-z]+)?$/;

/** The kernel-module name of an entry, if it is a module file ("nvme-core.ko" → "nvme_core"). */
export function moduleNameOf(path: string): string | undefined {
  const m = MODULE_FILE.exec(path);
  return m?.[1]?.replace(/-/g, '_');
}

/** Entries matching PATH (exact, with or without merged-/usr prefix) or a module name. */
export function findEntries(plan: Plan, query: string): PlanEntry[] {
  const asModule = query.replace(/-/g, '_');
  const paths = new Set([query, `/usr${query}`]);
  return plan.entries.filter((e) => paths.has(e.path) || moduleNameOf(e.path) === asModule);
}

export function explainLines(e: PlanEntry): string[] {
  const subject = moduleNameOf(e.path) ?? e.path;
  return e.reasons.map((r) => `${subject} ← ${r.why}`);
}

/** A coarse heading for a reason, to group the whole plan. */
export function reasonGroup(e: PlanEntry, r: Reason | undefined): string {
  if (!r) return 'other';
  if (moduleNameOf(e.path)) return 'kernel modules';
  if (r.why.startsWith('firmware')) return 'firmware';
  if (r.why.startsWith('generated')) return 'generated';
  if (r.why === 'image skeleton' || r.why.startsWith('parent of')) return 'image skeleton';
  const feature = /feature ([a-z0-9._-]+)/.exec(r.why);
  if (feature) return `feature ${feature[1]}`;
  if (r.why.includes('--install')) return 'requested with --install';
  return r.why;
}

export function explainPlan(plan: Plan): string {
  const groups = new Map<string, PlanEntry[]>();
  for (const e of plan.entries) {
    const g = reasonGroup(e, e.reasons[0]);
    groups.set(g, [...(groups.get(g) ?? []), e]);
  }
  const out: string[] = [];
  for (const [g, entries] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(`${g} (${entries.length})`);
    for (const e of entries) {
      if (e.type === 'dir') continue;
      out.push(`  ${e.path}${e.type === 'symlink' ? ` -> ${e.target}` : ''}`);
      if (g === 'kernel modules') for (const l of explainLines(e)) out.push(`      ${l}`);
    }
  }
  return `${out.join('\n')}\n`;
}
