// An alias index as kmod's trie is: each
// pattern is split at its first wildcard ('*', '?', '['); the literal head must equal the start of
// the key, and only the tail is fnmatch'ed. A lookup therefore probes one map per distinct head
// length instead of matching all ~30k patterns. Results come back as kmod returns them: ordered by
// the module's priority (its position in modules.dep), each module once.
import { compileGlob, type Glob } from './fnmatch.js';
import { normalizeAlias } from './names.js';

export interface AliasEntry {
  /** The normalised pattern ('-' folded to '_'). */
  readonly pattern: string;
  readonly module: string;
}

interface _Indexed extends AliasEntry {
  /** Index of the first wildcard in pattern. */
  readonly cut: number;
  glob: Glob | undefined;
  readonly seq: number;
}

export class AliasIndex {
  private readonly _exact = new Map<string, _Indexed[]>();
  private readonly _byHead = new Map<string, _Indexed[]>();
  private readonly _lengths = new Set<number>();
  private _headLengths: number[] | undefined;
  private _count = 0;

  constructor(entries: Iterable<AliasEntry> = []) {
    for (const e of entries) this.add(e.pattern, e.module);
  }

  /** Add a raw pattern; one with an unmatched bracket is dropped, as depmod drops it from its index. */
  addRaw(raw: string, module: string, seq?: number): void {
    const pattern = normalizeAlias(raw);
    if (pattern !== undefined) this.add(pattern, module, seq);
  }

  /** Add a normalised pattern. */
  add(pattern: string, module: string, seq = this._count): void {
    this._count++;
    const cut = _firstWildcard(pattern);
    const item: _Indexed = { pattern, module, cut, glob: undefined, seq };
    const head = cut < 0 ? pattern : pattern.slice(0, cut);
    const map = cut < 0 ? this._exact : this._byHead;
    const list = map.get(head);
    if (list) list.push(item);
    else map.set(head, [item]);
    if (cut >= 0 && !this._lengths.has(cut)) {
      this._lengths.add(cut);
      this._headLengths = undefined;
    }
  }

  get size(): number {
    return this._count;
  }

  /** Every entry whose pattern matches `key` (already normalised), in table order. */
  matches(key: string): AliasEntry[] {
    return this.hits(key).map((h) => ({ pattern: h.pattern, module: h.module }));
  }

  /** Like matches(), with each entry's sequence number. */
  hits(key: string): Array<AliasEntry & { readonly seq: number }> {
    const hits: _Indexed[] = [...(this._exact.get(key) ?? [])];
    this._headLengths ??= [...this._lengths].sort((a, b) => a - b);
    for (const len of this._headLengths) {
      if (len > key.length) break;
      const list = this._byHead.get(key.slice(0, len));
      if (!list) continue;
      const rest = key.slice(len);
      for (const item of list) {
        item.glob ??= compileGlob(item.pattern.slice(item.cut));
        if (item.glob.matches(rest)) hits.push(item);
      }
    }
    return hits.sort((a, b) => a.seq - b.seq);
  }

  /** The modules `key` resolves to, ordered by `priority` (lower first), without repeats. */
  lookup(key: string, priority: (module: string) => number): string[] {
    return rankModules(this.hits(key), priority);
  }
}

/** Modules of `hits` by priority, then table order; each once. */
export function rankModules(hits: ReadonlyArray<{ module: string; seq: number }>, priority: (module: string) => number): string[] {
  const ranked = hits.map((h) => ({ m: h.module, p: priority(h.module), i: h.seq }));
  ranked.sort((a, b) => a.p - b.p || a.i - b.i);
  return [...new Set(ranked.map((r) => r.m))];
}

export function _firstWildcard(p: string): number {
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c === 42 /* * */ || c === 63 /* ? */ || c === 91 /* [ */) return i;
  }
  return -1;
}
