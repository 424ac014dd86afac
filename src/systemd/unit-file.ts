// A systemd unit file read for what an image needs from it: the units it pulls in, the programs it
// runs, the conditions that keep it from running in an initrd. Only the syntax of systemd.syntax(7)
// that matters here: [Section] headers, Key=Value lines, `#`/`;` comments, `\` line continuations;
// an empty assignment resets a list key.

export interface UnitFile {
  /** Section name → key → every value assigned, in order (after resets). */
  sections: Map<string, Map<string, string[]>>;
}

/** Keys of [Unit] whose units are started along with this one. */
export const PULL_KEYS = ['Requires', 'Requisite', 'Wants', 'BindsTo', 'Upholds', 'OnFailure', 'OnSuccess'] as const;
/** Keys whose value is a command line whose first word is a program. */
export const EXEC_KEYS = ['ExecCondition', 'ExecStartPre', 'ExecStart', 'ExecStartPost', 'ExecReload', 'ExecStop', 'ExecStopPost'] as const;

/**
 * Parse a unit file; with `base`, read it as a drop-in on top of `base` (systemd's merge: later
 * assignments add to a list or override a single value, an empty one resets). `base` is not changed.
 */
export function parseUnitFile(text: string, base?: UnitFile): UnitFile {
  const sections = new Map<string, Map<string, string[]>>();
  for (const [name, keys] of base?.sections ?? []) sections.set(name, new Map(keys));
  let current: Map<string, string[]> | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\')) {
      line = `${line.slice(0, -1)} `; // the backslash becomes a space
      let next: string | undefined;
      do next = lines[++i]?.trim();
      while (next !== undefined && (next.startsWith('#') || next.startsWith(';'))); // comments inside a continuation are skipped
      if (next === undefined) break;
      line += next;
    }
    line = line.trim();
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1] as string;
      current = sections.get(name) ?? new Map<string, string[]>();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) continue; // systemd ignores such lines with a warning
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (value === '') current.set(key, []);
    else current.set(key, [...(current.get(key) ?? []), value]);
  }
  return { sections };
}

/** Every value of `key` in `section` (empty when absent). */
export function unitValues(unit: UnitFile, section: string, key: string): string[] {
  return unit.sections.get(section)?.get(key) ?? [];
}

/** The unit names of a list key (space separated, every assignment). */
export function unitList(unit: UnitFile, section: string, key: string): string[] {
  return unitValues(unit, section, key).flatMap((v) => v.split(/\s+/).filter((w) => w !== ''));
}

/**
 * The programs of the Exec*= lines of every section: of each command (a line may hold several,
 * split by a lone ";"), the first word, unquoted, after the prefixes `@ - : + !` (`|` is no prefix
 * systemd takes), with `%%` made "%". A program named with another specifier is returned in
 * `runtime`: its value is only known when the unit runs.
 */
export function execPrograms(unit: UnitFile): { programs: string[]; runtime: string[] } {
  const programs: string[] = [];
  const runtime: string[] = [];
  for (const keys of unit.sections.values()) {
    for (const key of EXEC_KEYS) {
      for (const value of keys.get(key) ?? []) {
        for (const command of _commands(value)) {
          const word = (command[0] ?? '').replace(/^[@\-:+!]+/, '');
          if (word === '') continue;
          const program = _percent(word);
          if (program === undefined) runtime.push(word);
          else programs.push(program);
        }
      }
    }
  }
  return { programs, runtime };
}

/** The commands of one Exec line, each as its words (quotes removed, C escapes of quoted words kept simple). */
function _commands(value: string): string[][] {
  const commands: string[][] = [[]];
  for (const word of _words(value)) {
    if (word.text === ';' && !word.quoted) commands.push([]);
    else (commands[commands.length - 1] as string[]).push(word.text === '\\;' && !word.quoted ? ';' : word.text);
  }
  return commands.filter((c) => c.length > 0);
}

/** Split on unquoted whitespace; "..." and '...' group, a backslash escapes the next character. */
function _words(value: string): { text: string; quoted: boolean }[] {
  const out: { text: string; quoted: boolean }[] = [];
  let text: string | undefined;
  let quoted = false;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && i + 1 < value.length) text += value[++i] as string;
      else text += c;
    } else if (/\s/.test(c)) {
      if (text !== undefined) out.push({ text, quoted });
      text = undefined;
      quoted = false;
    } else {
      text ??= '';
      if (c === '"' || c === "'") {
        quote = c;
        quoted = true;
      } else if (c === '\\' && value[i + 1] === ';' && text === '') {
        text += '\\;';
        i++;
      } else if (c === '\\' && i + 1 < value.length) text += value[++i] as string;
      else text += c;
    }
  }
  if (text !== undefined) out.push({ text, quoted });
  return out;
}

/** `%%` → "%"; undefined when another specifier remains. */
function _percent(word: string): string | undefined {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    if (word[i] !== '%') out += word[i] as string;
    else if (word[i + 1] === '%') (out += '%'), i++;
    else return undefined;
  }
  return out;
}

/** True when the unit says it must not run in an initrd (ConditionPathExists=!/etc/initrd-release). */
export function skipsInitrd(unit: UnitFile): boolean {
  return ['ConditionPathExists', 'AssertPathExists'].some((k) => unitValues(unit, 'Unit', k).some((v) => v.replace(/^\|/, '') === '!/etc/initrd-release'));
}
