// DT_RPATH / DT_RUNPATH strings: split at ':' and expand the dynamic string tokens ld.so knows —
// $ORIGIN, $PLATFORM, $LIB, bare or braced. An element whose token has no value is dropped, as
// ld.so drops it; an unknown `$NAME` stays literal. Empty elements (the current directory at run
// time) are dropped: there is no meaningful current directory to resolve them against.
import { normalizeInRoot } from '../host/in-root-path.js';

export interface TokenValues {
  /** Directory of the object that carries the path list, in-root. */
  origin: string;
  platform: string | undefined;
  lib: string;
}

/** The expanded, normalised, deduplicated directories of a DT_RPATH/DT_RUNPATH value. */
export function expandSearchPath(list: string, values: TokenValues): string[] {
  const out: string[] = [];
  for (const element of list.split(':')) {
    if (element === '') continue;
    const expanded = expandTokens(element, values);
    if (expanded === undefined || expanded === '') continue;
    const dir = normalizeInRoot(expanded);
    if (!out.includes(dir)) out.push(dir);
  }
  return out;
}

/** One element with its tokens replaced; undefined when a known token has no value. */
export function expandTokens(element: string, values: TokenValues): string | undefined {
  let out = '';
  for (let i = 0; i < element.length; ) {
    if (element[i] !== '$') {
      out += element[i++];
      continue;
    }
    const token = _tokenAt(element, i + 1);
    if (!token) {
      out += '$';
      i++;
      continue;
    }
    const value = _valueOf(token.name, values);
    if (value === undefined) return undefined;
    out += value;
    i = token.end;
  }
  return out;
}

const _TOKENS = ['ORIGIN', 'PLATFORM', 'LIB'] as const;
type TokenName = (typeof _TOKENS)[number];

function _tokenAt(s: string, start: number): { name: TokenName; end: number } | undefined {
  for (const name of _TOKENS) {
    if (s.startsWith(`{${name}}`, start)) return { name, end: start + name.length + 2 };
    if (s.startsWith(name, start) && !/[A-Za-z0-9_]/.test(s[start + name.length] ?? '')) return { name, end: start + name.length };
  }
  return undefined;
}

function _valueOf(name: TokenName, values: TokenValues): string | undefined {
  if (name === 'ORIGIN') return values.origin;
  if (name === 'PLATFORM') return values.platform;
  return values.lib;
}
