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

export function parseUnitFile(text: string): UnitFile {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      const next = (lines[++i] ?? '').trim();
      if (next.startsWith('#') || next.startsWith(';')) continue; // comments inside a continuation are skipped
      line = `${line.slice(0, -1)} ${next}`;
    }
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
 * The programs of the Exec*= lines of every section: the first word after the prefixes `@ - : + !`
 * (`|` is no prefix systemd takes). A program named with a specifier (`%`) is left out: its value is
 * only known at run time.
 */
export function execPrograms(unit: UnitFile): string[] {
  const out: string[] = [];
  for (const keys of unit.sections.values()) {
    for (const key of EXEC_KEYS) {
      for (const value of keys.get(key) ?? []) {
        const word = /^[@\-:+!]*\s*(\S+)/.exec(value)?.[1];
        if (word === undefined || word.includes('%')) continue;
        out.push(word.replace(/^"(.*)"$/, '$1'));
      }
    }
  }
  return out;
}

/** True when the unit says it must not run in an initrd (ConditionPathExists=!/etc/initrd-release). */
export function skipsInitrd(unit: UnitFile): boolean {
  return ['ConditionPathExists', 'AssertPathExists'].some((k) => unitValues(unit, 'Unit', k).some((v) => v.replace(/^\|/, '') === '!/etc/initrd-release'));
}
