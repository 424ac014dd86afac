// Checks one parsed configuration file against the key table: data in, {config, warnings, errors}
// out, no I/O. Every problem reads "file:line: key: problem" so it can be fixed without guessing.
import { CONFIG_KEYS, KNOWN_KEYS, emptyConfig, type KeySpec, type MkConfig } from './config-schema.js';
import { findKeyLine } from './key-location.js';

export interface ConfigSource {
  /** The path shown in messages. */
  file: string;
  text: string;
}

export interface ValidatedConfig {
  /** Only what this file sets: lists hold its own elements, unset scalars are undefined. */
  config: MkConfig;
  warnings: string[];
  errors: string[];
}

export function validateConfig(parsed: Record<string, unknown>, source: ConfigSource): ValidatedConfig {
  const config = emptyConfig();
  const warnings: string[] = [];
  const errors: string[] = [];
  const where = (key: string): string => {
    const line = findKeyLine(source.text, key);
    return line === undefined ? `${source.file}: ${key}` : `${source.file}:${line}: ${key}`;
  };
  for (const [key, value] of Object.entries(parsed)) {
    const spec = CONFIG_KEYS.find((k) => k.key === key);
    if (!spec) {
      errors.push(`${where(key)}: unknown key${_suggestion(key)}; known keys: ${KNOWN_KEYS.join(', ')}`);
      continue;
    }
    const checked = _checkValue(spec, value);
    if (typeof checked === 'string') {
      errors.push(`${where(key)}: ${checked}`);
      continue;
    }
    (config as unknown as Record<string, unknown>)[spec.field] = checked.value;
    for (const dup of _duplicates(checked.value)) warnings.push(`${where(key)}: ${JSON.stringify(dup)} is listed more than once`);
  }
  for (const [a, b] of [['add', 'omit'], ['add_drivers', 'omit_drivers'], ['force_drivers', 'omit_drivers']] as const) {
    const listA = parsed[a];
    const listB = parsed[b];
    if (!Array.isArray(listA) || !Array.isArray(listB)) continue;
    for (const name of new Set(listA)) if (listB.includes(name)) warnings.push(`${where(b)}: ${JSON.stringify(name)} is also in ${a}: keep it in one of them`);
  }
  return { config, warnings, errors };
}

/** The checked value, or a problem description. */
function _checkValue(spec: KeySpec, value: unknown): { value: unknown } | string {
  switch (spec.kind) {
    case 'bool':
      return typeof value === 'boolean' ? { value } : `must be true or false (got ${_show(value)})`;
    case 'seconds':
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
        const n = Number(value);
        return n > 0 && n <= 86_400 ? { value: n } : `must be a whole number of seconds from 1 to 86400 (got ${n})`;
      }
      return `must be a whole number of seconds, without quotes (got ${_show(value)})`;
    case 'string': {
      if (typeof value !== 'string') return `must be a string in quotes (got ${_show(value)})`;
      const problem = spec.check?.(value);
      return problem ?? { value };
    }
    case 'list': {
      if (typeof value === 'string') return `must be a list: ${spec.key} = [${value.split(/[\s,]+/).filter((s) => s).map((s) => JSON.stringify(s)).join(', ')}]`;
      if (!Array.isArray(value)) return `must be a list of strings (got ${_show(value)})`;
      const problems: string[] = [];
      for (const element of value) {
        if (typeof element !== 'string') problems.push(`list elements must be strings (got ${_show(element)})`);
        else {
          const problem = spec.check?.(element);
          if (problem) problems.push(problem);
        }
      }
      return problems.length ? problems.join('; ') : { value: [...(value as string[])] };
    }
  }
}

function _duplicates(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((v, i) => value.indexOf(v) !== i) as string[])];
}

function _show(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return value instanceof Date ? 'a date' : 'a table';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** " (did you mean add_drivers?)" for a near miss such as "add-drivers" or "hostOnly". */
function _suggestion(key: string): string {
  const norm = key.toLowerCase().replace(/-/g, '_');
  let best: string | undefined;
  let bestDistance = 3;
  for (const known of KNOWN_KEYS) {
    const d = norm === known ? 0 : _editDistance(norm, known);
    if (d < bestDistance) [best, bestDistance] = [known, d];
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

function _editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] as number;
}
