// /proc/self/mountinfo (proc(5)): "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE
// SOURCE SUPEROPTIONS". Optional fields run up to a lone "-"; paths escape space, tab, newline and
// backslash as \ooo octal.
import type { MountFact } from './host-facts.js';

export interface MountinfoEntry extends MountFact {
  id: number;
  parentId: number;
}

export class MountinfoSyntaxError extends Error {}

export function parseMountinfo(text: string): MountinfoEntry[] {
  const entries: MountinfoEntry[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    entries.push(_parseLine(line, index + 1));
  });
  return entries;
}

/** The mount visible at `mountPoint`: the last one mounted there (later mounts cover earlier ones). */
export function findMount(entries: readonly MountinfoEntry[], mountPoint: string): MountinfoEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as MountinfoEntry;
    if (entry.mountPoint === mountPoint) return entry;
  }
  return undefined;
}

function _unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function _parseLine(line: string, lineNo: number): MountinfoEntry {
  const fields = line.split(' ');
  const dash = fields.indexOf('-', 6);
  const [id, parentId, majMin, fsRoot, mountPoint, options] = fields;
  if (dash < 0 || fields.length < dash + 4 || !/^\d+:\d+$/.test(majMin ?? '') || options === undefined)
    throw new MountinfoSyntaxError(`line ${lineNo}: not a mountinfo line: ${JSON.stringify(line)}`);
  return {
    id: Number(id),
    parentId: Number(parentId),
    majMin: majMin as string,
    fsRoot: _unescapeOctal(fsRoot as string),
    mountPoint: _unescapeOctal(mountPoint as string),
    options,
    fstype: _unescapeOctal(fields[dash + 1] as string),
    source: _unescapeOctal(fields[dash + 2] as string),
    superOptions: _unescapeOctal(fields.slice(dash + 3).join(' ')),
  };
}
