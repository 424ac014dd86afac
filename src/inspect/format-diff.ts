// The text form of `diff`: one line per path (- removed, + added, ~ changed), then the module names
// only one image holds, then counts and sizes.
import { escapeControl } from '../escape-control.js';
import type { ImageDiff } from './diff-images.js';

/** The text form of a diff. */
export function formatDiff(diff: ImageDiff, aName: string, bName: string): string {
  const lines: string[] = [];
  for (const p of diff.removed) lines.push(`- ${p}`);
  for (const p of diff.added) lines.push(`+ ${p}`);
  for (const c of diff.changed) lines.push(`~ ${c.path}: ${c.changes.join('; ')}`);
  const mods = diff.modules;
  lines.push(`modules: ${mods.added.length} added, ${mods.removed.length} removed`);
  if (mods.removed.length > 0) lines.push(`  only in ${aName}: ${mods.removed.join(' ')}`);
  if (mods.added.length > 0) lines.push(`  only in ${bName}: ${mods.added.join(' ')}`);
  const { a, b, fileDelta, unpackedDelta } = diff.sizes;
  lines.push(`paths: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`);
  lines.push(`image size: ${a.fileSize} -> ${b.fileSize} bytes (${_signed(fileDelta)})`);
  lines.push(`unpacked size: ${a.unpacked} -> ${b.unpacked} bytes (${_signed(unpackedDelta)})`);
  return `${lines.map(escapeControl).join('\n')}\n`;
}

function _signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
