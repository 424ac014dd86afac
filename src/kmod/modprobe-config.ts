// modprobe.d configuration (and modules.softdep, which kmod reads as one more config file): the
// directives kmod honours, parsed with kmod's rules — '\'-newline joins lines, '#' starts a comment
// only in column 0, module names and alias patterns have '-' folded to '_' outside brackets, and a
// bad line is skipped with a warning (never fatal, as in kmod).
import { compileGlob, type Glob } from './fnmatch.js';
import { normalizeAlias } from './names.js';

export interface ConfigAlias {
  readonly pattern: string;
  readonly glob: Glob;
  readonly module: string;
}
export interface ConfigCommand {
  readonly pattern: string;
  readonly glob: Glob;
  readonly command: string;
}
export interface ConfigSoftdep {
  readonly pattern: string;
  readonly glob: Glob;
  readonly pre: readonly string[];
  readonly post: readonly string[];
}
export interface ConfigOptions {
  readonly module: string;
  readonly options: string;
}

/** Everything kmod keeps from its config files, in file order (first match wins where kmod says so). */
export interface ModprobeConfig {
  readonly aliases: ConfigAlias[];
  readonly blacklist: string[];
  readonly options: ConfigOptions[];
  readonly install: ConfigCommand[];
  readonly remove: ConfigCommand[];
  readonly softdeps: ConfigSoftdep[];
  /** The files read, in the order they were applied. */
  readonly files: string[];
  readonly warnings: string[];
}

export function emptyModprobeConfig(): ModprobeConfig {
  return { aliases: [], blacklist: [], options: [], install: [], remove: [], softdeps: [], files: [], warnings: [] };
}

/** Apply the text of one config file to `config`. */
export function parseModprobeConfig(config: ModprobeConfig, text: string, file: string): void {
  config.files.push(file);
  for (const { line, lineNo } of _logicalLines(text)) {
    if (line === '' || line[0] === '#') continue;
    const words = _Words.of(line);
    const cmd = words.next();
    if (cmd === undefined) continue;
    if (!_apply(config, cmd, words)) {
      if (cmd === 'include' || cmd === 'config') config.warnings.push(`${file}: command ${cmd} is deprecated and not parsed anymore`);
      else config.warnings.push(`${file} line ${lineNo}: ignoring bad line starting with '${cmd}'`);
    }
  }
}

function _apply(config: ModprobeConfig, cmd: string, words: _Words): boolean {
  if (cmd === 'alias') {
    const pattern = _underscores(words.next());
    const module = _underscores(words.next());
    if (pattern === undefined || module === undefined) return false;
    config.aliases.push({ pattern, glob: compileGlob(pattern), module });
    return true;
  }
  if (cmd === 'blacklist') {
    const module = _underscores(words.next());
    if (module === undefined) return false;
    config.blacklist.push(module);
    return true;
  }
  const module = _underscores(words.next());
  const rest = words.rest();
  if (module === undefined || rest === undefined) return false;
  switch (cmd) {
    case 'options':
      config.options.push({ module, options: rest.replaceAll('\t', ' ') });
      return true;
    case 'install':
    case 'remove':
      config[cmd].push({ pattern: module, glob: compileGlob(module), command: rest });
      return true;
    case 'softdep':
      config.softdeps.push({ pattern: module, glob: compileGlob(module), ...parseSoftdepValue(rest) });
      return true;
    default:
      return false;
  }
}

/** "pre: a b post: c" → names; names before any "pre:"/"post:" are ignored, as kmod does. */
export function parseSoftdepValue(value: string): { pre: string[]; post: string[] } {
  const pre: string[] = [];
  const post: string[] = [];
  let mode: 'none' | 'pre' | 'post' = 'none';
  for (const tok of value.split(/[ \t\n\v\f\r]+/)) {
    if (tok === '') continue;
    if (tok === 'pre:') mode = 'pre';
    else if (tok === 'post:') mode = 'post';
    else if (mode === 'pre') pre.push(tok);
    else if (mode === 'post') post.push(tok);
  }
  return { pre, post };
}

function _underscores(s: string | undefined): string | undefined {
  return s === undefined ? undefined : normalizeAlias(s);
}

// A "\\\n" continues the line; a backslash before any other character is dropped (kmod's reader).
function* _logicalLines(text: string): Generator<{ line: string; lineNo: number }> {
  let buf = '';
  let lineNo = 0;
  let consumed = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\n') {
      consumed++;
      lineNo += consumed;
      consumed = 0;
      yield { line: buf, lineNo };
      buf = '';
    } else if (c === '\\' && i + 1 < text.length) {
      const next = text[++i] as string;
      if (next === '\n') consumed++;
      else buf += next;
    } else if (c !== '\\') buf += c;
  }
  if (buf !== '') yield { line: buf, lineNo: lineNo + consumed + 1 };
}

// strtok_r over " \t": next() skips separators; rest() is everything after the one separator that
// ended the previous word (undefined when nothing is left), as kmod takes options and commands.
class _Words {
  private constructor(
    private readonly _s: string,
    private _pos: number,
  ) {}
  static of(s: string): _Words {
    return new _Words(s, 0);
  }
  next(): string | undefined {
    let i = this._pos;
    while (i < this._s.length && (this._s[i] === ' ' || this._s[i] === '\t')) i++;
    if (i >= this._s.length) {
      this._pos = i;
      return undefined;
    }
    let j = i;
    while (j < this._s.length && this._s[j] !== ' ' && this._s[j] !== '\t') j++;
    this._pos = Math.min(j + 1, this._s.length);
    return this._s.slice(i, j);
  }
  rest(): string | undefined {
    return this._pos < this._s.length ? this._s.slice(this._pos) : undefined;
  }
}
