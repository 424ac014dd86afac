// "Why is this file in my image?": each entry's reasons as chains, and the whole plan grouped.
import { formatNote } from './format-plan.js';
import type { Plan, PlanEntry, PlanNote, Reason } from './plan.js';

const MODULE_FILE = /\/lib\/modules\/[^/]+\/.*\/([^/]+)\.ko(\.[a-z]+)?$/;

/** The kernel-module name of an entry, if it is a module file ("nvme-core.ko" → "nvme_core"). */
function moduleNameOf(path: string): string | undefined {
  const m = MODULE_FILE.exec(path);
  return m?.[1]?.replace(/-/g, '_');
}

/** Entries matching PATH (exact, with or without merged-/usr prefix) or a module name. */
export function findEntries(plan: Plan, query: string): PlanEntry[] {
  const asModule = query.replace(/-/g, '_');
  const paths = new Set([query, `/usr${query}`]);
  return plan.entries.filter((e) => paths.has(e.path) || moduleNameOf(e.path) === asModule);
}

/**
 * Notes about QUERY: a module or alias the kernel has built in or lacks, or a "=DIR" group, also when
 * the query is one of the built-in modules a group note lists ("=drivers/nvme/host: built into … (nvme, nvme_core)").
 */
export function findNotes(plan: Plan, query: string): PlanNote[] {
  const q = query.replace(/-/g, '_');
  return plan.notes.filter((n) => {
    if (n.subject === query || n.subject.replace(/-/g, '_') === q) return true;
    const listed = /^built into .*\(([^)]*)\)$/.exec(n.text)?.[1];
    return listed !== undefined && listed.split(', ').some((m) => m.replace(/-/g, '_') === q);
  });
}

export function explainLines(e: PlanEntry): string[] {
  const subject = moduleNameOf(e.path) ?? e.path;
  return e.reasons.map((r) => `${subject} ← ${r.why}`);
}

/** A coarse heading for a reason, to group the whole plan. */
function reasonGroup(e: PlanEntry, r: Reason | undefined): string {
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
  if (plan.notes.length > 0) {
    out.push(`notes: asked for, not in the image as a file (${plan.notes.length})`);
    for (const n of plan.notes) out.push(`  ${formatNote(n)}`);
  }
  return `${out.join('\n')}\n`;
}
