// Collects entries from many sources, merging duplicates (reasons are unioned), adding parent
// directories, and producing the sorted Plan. Conflicting definitions of one path are an error.
import { posix } from 'node:path';
import { NotBootableError } from '../errors.js';
import type { Plan, PlanEntry, PlanNote, Reason } from './plan.js';

export class PlanBuilder {
  private readonly _entries = new Map<string, PlanEntry>();
  private readonly _early = new Map<string, PlanEntry>();
  readonly warnings: string[] = [];
  private readonly _notes = new Map<string, PlanNote>();

  /** mapPath: a layout rule applied to every path added (e.g. merged /usr). */
  constructor(
    readonly kver: string,
    private readonly _mapPath: (p: string) => string = (p) => p,
  ) {}

  add(entry: PlanEntry, early = false): void {
    const map = early ? this._early : this._entries;
    const path = early ? normalizeImagePath(entry.path) : this._mapPath(normalizeImagePath(entry.path));
    const e = { ...entry, path, reasons: [...entry.reasons] } as PlanEntry;
    const have = map.get(path);
    if (!have) {
      this._addParents(map, path, e.reasons[0]);
      map.set(path, e);
      return;
    }
    // A later, explicit directory replaces one that was only implied as a parent (its mode wins).
    if (have.type === 'dir' && e.type === 'dir' && have.reasons.every((r) => r.why.startsWith('parent of'))) {
      map.set(path, e);
      return;
    }
    if (!sameContent(have, e)) {
      throw new NotBootableError(
        `conflicting definitions of ${path} in the image: ${describe(have)} (${have.reasons[0]?.why}) vs ${describe(e)} (${e.reasons[0]?.why})`,
      );
    }
    for (const r of e.reasons) if (!have.reasons.some((h) => h.why === r.why && h.via === r.via)) have.reasons.push(r);
  }

  /** Add a note; a note of the same subject and text gains the new reasons. */
  note(note: PlanNote): void {
    const key = `${note.subject}\0${note.text}`;
    const have = this._notes.get(key);
    if (!have) {
      this._notes.set(key, { ...note, reasons: [...new Set(note.reasons)] });
      return;
    }
    for (const r of note.reasons) if (!have.reasons.includes(r)) have.reasons.push(r);
  }

  has(path: string): boolean {
    return this._entries.has(this._mapPath(normalizeImagePath(path)));
  }

  get(path: string): PlanEntry | undefined {
    return this._entries.get(this._mapPath(normalizeImagePath(path)));
  }

  entries(): PlanEntry[] {
    return [...this._entries.values()];
  }

  private _addParents(map: Map<string, PlanEntry>, path: string, reason: Reason | undefined): void {
    for (let dir = posix.dirname(path); dir !== '/' && !map.has(dir); dir = posix.dirname(dir)) {
      map.set(dir, { type: 'dir', path: dir, mode: 0o755, reasons: [{ why: `parent of ${path}`, via: reason?.via }] });
    }
  }

  /** The finished plan, frozen: nothing after planning changes it. */
  build(): Plan {
    const entries = (list: Iterable<PlanEntry>): readonly PlanEntry[] =>
      Object.freeze(sortEntries([...list].map((e) => Object.freeze({ ...e, reasons: Object.freeze(e.reasons.map((r) => Object.freeze({ ...r }))) }) as PlanEntry)));
    return Object.freeze({
      kver: this.kver,
      entries: entries(this._entries.values()),
      early: entries(this._early.values()),
      warnings: Object.freeze([...this.warnings]),
      notes: Object.freeze(sortNotes([...this._notes.values()].map((n) => Object.freeze({ ...n, reasons: Object.freeze([...n.reasons]) }) as PlanNote))),
    });
  }
}

export function normalizeImagePath(p: string): string {
  const n = posix.normalize('/' + p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** Byte order of paths, so parents come before children and the order never depends on locale. */
export function sortEntries(entries: PlanEntry[]): PlanEntry[] {
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Byte order of subject, then text: the order never depends on the order requests came in. */
function sortNotes(notes: PlanNote[]): PlanNote[] {
  const key = (n: PlanNote): string => `${n.subject}\0${n.text}`;
  return notes.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function describe(e: PlanEntry): string {
  switch (e.type) {
    case 'file':
      return e.source ? `file from ${e.source}` : 'inline file';
    case 'symlink':
      return `symlink to ${e.target}`;
    case 'hardlink':
      return `hardlink to ${e.target}`;
    default:
      return e.type;
  }
}

function sameContent(a: PlanEntry, b: PlanEntry): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'dir':
      return true; // a directory is a directory; the first explicit mode wins
    case 'file': {
      const o = b as typeof a;
      if (a.source !== undefined || o.source !== undefined) return a.source === o.source && a.mode === o.mode;
      return Buffer.from(a.content ?? '').equals(Buffer.from(o.content ?? '')) && a.mode === o.mode;
    }
    case 'symlink':
    case 'hardlink':
      return a.target === (b as typeof a).target;
    case 'chardev':
    case 'blockdev': {
      const o = b as typeof a;
      return a.major === o.major && a.minor === o.minor;
    }
  }
}
