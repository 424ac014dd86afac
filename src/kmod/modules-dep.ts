// modules.dep: "path: dep-path dep-path…", one module a line, written by depmod. Each line already
// holds the module's whole dependency closure, ordered so that loading it from the end backwards
// loads every dependency before its users.
import { ModulesDbError } from '../errors.js';
import { modnameFromPath } from './names.js';

/** One line of modules.dep; its dependency list is split only when first asked for. */
export class DepEntry {
  private _deps: readonly string[] | undefined;
  constructor(
    /** Normalised module name ("nvme_core"). */
    readonly name: string,
    /** The module file as written (relative to the module directory, or absolute). */
    readonly path: string,
    private readonly _rest: string,
    /** 1-based line number, for messages. */
    readonly line: number,
  ) {}

  /** Dependency paths as written, in file order (the last one loads first). */
  get deps(): readonly string[] {
    if (this._deps === undefined) {
      const rest = this._rest.trim();
      this._deps = rest === '' ? [] : rest.split(/[ \t]+/);
    }
    return this._deps;
  }
}

export interface ModulesDep {
  readonly entries: readonly DepEntry[];
  readonly byName: ReadonlyMap<string, DepEntry>;
}

/** Parse the text of modules.dep; `file` names it in errors. The first line for a name wins. */
export function parseModulesDep(text: string, file: string): ModulesDep {
  const entries: DepEntry[] = [];
  const byName = new Map<string, DepEntry>();
  let lineNo = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.length === 0 || line[0] === '#' || line.trim() === '') continue;
    const colon = line.indexOf(':');
    const path = colon < 0 ? '' : line.slice(0, colon);
    if (colon <= 0 || path.includes(' ') || path.includes('\t'))
      throw new ModulesDbError(
        `${file}:${lineNo}: malformed line '${_clip(line)}' (expected 'module.ko: dependencies...'); regenerate it with depmod`,
        file,
      );
    const entry = new DepEntry(modnameFromPath(path), path, line.slice(colon + 1), lineNo);
    entries.push(entry);
    if (!byName.has(entry.name)) byName.set(entry.name, entry);
  }
  return { entries, byName };
}

function _clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
