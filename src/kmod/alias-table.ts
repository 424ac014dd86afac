// A whole alias file (modules.alias ~26k lines, modules.symbols) kept as raw lines grouped by the
// bus of each pattern ("pci", "usb", "" for plain names like "crypto-crc32c"); a group's AliasIndex is
// built the first time a key of that bus is looked up. Loading costs one pass over the lines, and a
// lookup touches only its own bus plus the few patterns whose bus is itself a wildcard ("dmi*:...").
import { ModulesDbError } from '../errors.js';
import { AliasIndex, rankModules, type AliasEntry } from './alias-index.js';

const WILD = '\0wild';

export interface AliasLookup {
  /** Modules `key` (normalised) resolves to, by priority, each once. */
  lookup(key: string, priority: (module: string) => number): string[];
}

export class AliasTable implements AliasLookup {
  private readonly _groups = new Map<string, number[]>();
  private readonly _built = new Map<string, AliasIndex>();

  private constructor(
    private readonly _lines: string[],
    private readonly _file: string,
  ) {}

  /** From "alias PATTERN MODULE" lines; `file` names it in errors. */
  static fromText(text: string, file: string): AliasTable {
    const table = new AliasTable(text.split('\n'), file);
    table._classify();
    return table;
  }

  private _classify(): void {
    const lines = this._lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line === '' || line.charCodeAt(0) === 35 /* # */) continue;
      const a = line.indexOf(' ', 6);
      if (!line.startsWith('alias ') || a <= 6 || a === line.length - 1 || line.indexOf(' ', a + 1) >= 0 || line.includes('\t')) {
        if (line.trim() === '') continue;
        if (!line.startsWith('alias') || line.trim().split(/[ \t]+/).length !== 3) this._malformed(i);
      }
      const group = _groupOfPattern(line, 6);
      const list = this._groups.get(group);
      if (list) list.push(i);
      else this._groups.set(group, [i]);
    }
  }

  private _malformed(i: number): never {
    const line = this._lines[i] as string;
    throw new ModulesDbError(
      `${this._file}:${i + 1}: malformed line '${line.slice(0, 60)}' (expected 'alias PATTERN MODULE'); regenerate it with depmod`,
      this._file,
    );
  }

  private _group(name: string): AliasIndex | undefined {
    let index = this._built.get(name);
    if (index) return index;
    const lines = this._groups.get(name);
    if (!lines) return undefined;
    index = new AliasIndex();
    for (const i of lines) {
      const words = (this._lines[i] as string).trim().split(/[ \t]+/);
      if (words.length !== 3) this._malformed(i);
      index.addRaw(words[1] as string, words[2] as string, i);
    }
    this._built.set(name, index);
    return index;
  }

  /** Every entry whose pattern matches `key`, in file order. */
  matches(key: string): AliasEntry[] {
    return this._hits(key).map((h) => ({ pattern: h.pattern, module: h.module }));
  }

  lookup(key: string, priority: (module: string) => number): string[] {
    return rankModules(this._hits(key), priority);
  }

  private _hits(key: string): Array<AliasEntry & { seq: number }> {
    const colon = key.indexOf(':');
    const own = this._group(colon < 0 ? '' : key.slice(0, colon))?.hits(key) ?? [];
    const wild = this._group(WILD)?.hits(key) ?? [];
    return wild.length === 0 ? own : [...own, ...wild].sort((a, b) => a.seq - b.seq);
  }
}

// The bus of the pattern starting at `from`: the text before its ':' when that comes before any
// wildcard; "" for a plain name without wildcards; WILD when a wildcard comes first.
function _groupOfPattern(line: string, from: number): string {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 58 /* : */) return line.slice(from, i).replaceAll('-', '_'); // keys are normalised: xen-backend: → xen_backend:
    if (c === 42 || c === 63 || c === 91) return WILD; // * ? [
    if (c === 32 || c === 9) return '';
  }
  return '';
}
