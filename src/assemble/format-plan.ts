// Printing a Plan: one line per entry for people, or JSON for tools.
import type { Plan, PlanEntry, PlanNote } from './plan.js';

export function entryToJson(e: PlanEntry): Record<string, unknown> {
  const base: Record<string, unknown> = { path: e.path, type: e.type };
  if ('mode' in e) base['mode'] = `0${e.mode.toString(8)}`;
  if (e.type === 'file') {
    if (e.source !== undefined) base['source'] = e.source;
    else base['size'] = Buffer.byteLength(e.content ?? '');
    if (e.decompressedFrom !== undefined) base['decompressedFrom'] = e.decompressedFrom;
  }
  if (e.type === 'symlink' || e.type === 'hardlink') base['target'] = e.target;
  if (e.type === 'chardev' || e.type === 'blockdev') base['rdev'] = `${e.major}:${e.minor}`;
  base['reasons'] = e.reasons;
  return base;
}

export function planToJson(plan: Plan): Record<string, unknown> {
  return { kver: plan.kver, entries: plan.entries.map(entryToJson), early: plan.early.map(entryToJson), warnings: plan.warnings, notes: plan.notes };
}

export function formatPlan(plan: Plan): string {
  const lines = plan.entries.map((e) => {
    const from = e.type === 'file' ? (e.source ?? e.decompressedFrom) : undefined;
    const what = e.type === 'symlink' ? ` -> ${e.target}` : from ? ` <- ${from}${e.type === 'file' && e.decompressedFrom ? ' (decompressed)' : ''}` : '';
    return `${e.type.padEnd(8)} ${e.path}${what}    # ${e.reasons[0]?.why ?? ''}`;
  });
  for (const n of plan.notes) lines.push(`# note: ${formatNote(n)}`);
  return `${lines.join('\n')}\n`;
}

/** "=drivers/usb/host: no modules under kernel/drivers/usb/host in kernel … ← feature kernel-modules (default)" */
export function formatNote(n: PlanNote): string {
  return `${n.subject}: ${n.text}${n.reasons.length > 0 ? ` ← ${n.reasons.join('; ')}` : ''}`;
}
