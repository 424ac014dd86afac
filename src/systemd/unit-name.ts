// Unit names as systemd accepts them (systemd.unit(5), "unit name"): at most 255 characters of
// [A-Za-z0-9:_.\-] and one "@", a non-empty prefix, and a known type after the last dot. A name read
// from a sysroot's unit file is checked before it becomes a path: "../../etc/shadow" is no unit.

/** The unit types systemd knows (the part after the last dot). */
export const UNIT_TYPES = ['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer', 'slice', 'scope'] as const;

const _MAX = 255;
const _CHARS = /^[A-Za-z0-9:_.\\-]+$/;

export interface UnitName {
  name: string;
  /** "foo" of foo@bar.service and of foo.service */
  prefix: string;
  /** "bar" of foo@bar.service, "" of the template foo@.service, undefined for a plain unit */
  instance: string | undefined;
  type: string;
}

/** The parts of a valid unit name, or why it is not one. */
export function parseUnitName(name: string): UnitName | { invalid: string } {
  if (name.length === 0 || name.length > _MAX) return { invalid: `a unit name has 1 to ${_MAX} characters` };
  const dot = name.lastIndexOf('.');
  const type = dot > 0 ? name.slice(dot + 1) : '';
  if (!(UNIT_TYPES as readonly string[]).includes(type)) return { invalid: `no unit type suffix (.${UNIT_TYPES.join(', .')})` };
  const stem = name.slice(0, dot);
  const at = stem.indexOf('@');
  const prefix = at < 0 ? stem : stem.slice(0, at);
  const instance = at < 0 ? undefined : stem.slice(at + 1);
  if (prefix === '') return { invalid: 'empty name before the type or "@"' };
  if (!_CHARS.test(prefix) || (instance !== undefined && instance !== '' && !_CHARS.test(instance))) {
    return { invalid: 'only letters, digits, ":", "-", "_", ".", "\\" and one "@" may appear in a unit name' };
  }
  return { name, prefix, instance, type };
}

export function isUnitName(name: string): boolean {
  return !('invalid' in parseUnitName(name));
}

/** "foo@bar.service" → "foo@.service"; undefined for a unit that is no instance. */
export function templateOf(name: string): string | undefined {
  const u = parseUnitName(name);
  if ('invalid' in u || u.instance === undefined || u.instance === '') return undefined;
  return `${u.prefix}@.${u.type}`;
}

/**
 * The names whose NAME.d/ folders hold drop-ins for `name`, most specific first: the unit, its
 * template, the prefixes cut after each "-" (foo-bar-baz.service → foo-bar-.service, foo-.service),
 * then the type-wide "service" (its folder is service.d/).
 */
export function dropInNames(name: string): string[] {
  const u = parseUnitName(name);
  if ('invalid' in u) return [];
  const out = [name];
  const template = templateOf(name);
  if (template) out.push(template);
  const stem = name.slice(0, name.length - u.type.length - 1);
  for (let i = stem.lastIndexOf('-', stem.endsWith('-') ? stem.length - 2 : stem.length - 1); i > 0; i = stem.lastIndexOf('-', i - 1)) {
    out.push(`${stem.slice(0, i + 1)}.${u.type}`);
  }
  out.push(u.type);
  return [...new Set(out)];
}

/** The slices above a slice: a-b-c.slice → a-b.slice, a.slice, -.slice (the root slice). */
export function parentSlices(name: string): string[] {
  if (!name.endsWith('.slice') || name === '-.slice') return [];
  const stem = name.slice(0, -'.slice'.length);
  const out: string[] = [];
  for (let i = stem.lastIndexOf('-'); i > 0; i = stem.lastIndexOf('-', i - 1)) out.push(`${stem.slice(0, i)}.slice`);
  out.push('-.slice');
  return out;
}

/**
 * Expand the specifiers of a unit name read from the unit `of` (%n %N %p %i %j and %%). Undefined
 * when it names one only known at run time (or %i of a template that has no instance yet).
 */
export function expandUnitSpecifiers(value: string, of: string): string | undefined {
  if (!value.includes('%')) return value;
  const u = parseUnitName(of);
  if ('invalid' in u) return undefined;
  const known: Record<string, string | undefined> = {
    '%': '%',
    n: of,
    N: of.slice(0, of.length - u.type.length - 1),
    p: u.prefix,
    i: u.instance === '' ? undefined : u.instance,
    j: u.prefix.includes('-') ? u.prefix.slice(u.prefix.lastIndexOf('-') + 1) : u.prefix,
  };
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const v = known[value[++i] ?? ''];
    if (v === undefined) return undefined;
    out += v;
  }
  return out;
}
