// fnmatch(3) with flags 0, as glibc does it for kmod: `*` and `?` match any character (including '/'
// and a leading '.'), `[...]` takes ranges, `[:class:]`, `!`/`^` negation and `]` first as a member,
// a backslash escapes the next character (a trailing one never matches), an unterminated `[` is a
// literal. Patterns are compiled once and matched without recursion.

type Token =
  | { kind: 'lit'; ch: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'set'; negated: boolean; test: (c: number) => boolean }
  | { kind: 'never' };

export interface Glob {
  readonly source: string;
  matches(text: string): boolean;
}

const CLASSES: Record<string, (c: number) => boolean> = {
  alnum: (c) => _isDigit(c) || _isUpper(c) || _isLower(c),
  alpha: (c) => _isUpper(c) || _isLower(c),
  blank: (c) => c === 0x20 || c === 0x09,
  cntrl: (c) => c < 0x20 || c === 0x7f,
  digit: (c) => _isDigit(c),
  graph: (c) => c > 0x20 && c < 0x7f,
  lower: (c) => _isLower(c),
  print: (c) => c >= 0x20 && c < 0x7f,
  punct: (c) => c > 0x20 && c < 0x7f && !(_isDigit(c) || _isUpper(c) || _isLower(c)),
  space: (c) => c === 0x20 || (c >= 0x09 && c <= 0x0d),
  upper: (c) => _isUpper(c),
  xdigit: (c) => _isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66),
};

function _isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function _isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}
function _isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

export function compileGlob(pattern: string): Glob {
  const tokens = _tokenize(pattern);
  return { source: pattern, matches: (text) => _match(tokens, text) };
}

export function fnmatch(pattern: string, text: string): boolean {
  return compileGlob(pattern).matches(text);
}

function _tokenize(p: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < p.length; ) {
    const c = p[i] as string;
    if (c === '*') {
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' });
      i++;
    } else if (c === '?') {
      out.push({ kind: 'any' });
      i++;
    } else if (c === '\\') {
      if (i + 1 >= p.length) {
        out.push({ kind: 'never' }); // glibc: a trailing backslash loses
        i++;
      } else {
        out.push({ kind: 'lit', ch: p[i + 1] as string });
        i += 2;
      }
    } else if (c === '[') {
      const set = _parseBracket(p, i);
      if (set) {
        out.push(set.token);
        i = set.next;
      } else {
        out.push({ kind: 'lit', ch: '[' });
        i++;
      }
    } else {
      out.push({ kind: 'lit', ch: c });
      i++;
    }
  }
  return out;
}

/** Parse `[...]` at `start`; undefined when it is unterminated (then '[' is literal). */
function _parseBracket(p: string, start: number): { token: Token; next: number } | undefined {
  let i = start + 1;
  const negated = p[i] === '!' || p[i] === '^';
  if (negated) i++;
  const tests: Array<(c: number) => boolean> = [];
  let first = true;
  let invalid = false;
  for (;;) {
    if (i >= p.length) return undefined;
    let c = p[i] as string;
    if (c === ']' && !first) return { token: _setToken(negated, tests, invalid), next: i + 1 };
    first = false;
    if (c === '[' && p[i + 1] === ':') {
      const end = p.indexOf(':]', i + 2);
      if (end < 0) return undefined;
      const cls = CLASSES[p.slice(i + 2, end)];
      if (cls) tests.push(cls);
      else invalid = true;
      i = end + 2;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= p.length) return undefined;
      c = p[i + 1] as string;
      i++;
    }
    i++;
    const lo = c.charCodeAt(0);
    if (p[i] === '-' && i + 1 < p.length && p[i + 1] !== ']') {
      let hiCh = p[i + 1] as string;
      i += 2;
      if (hiCh === '\\') {
        if (i >= p.length) return undefined;
        hiCh = p[i] as string;
        i++;
      }
      const hi = hiCh.charCodeAt(0);
      tests.push((x) => x >= lo && x <= hi);
    } else {
      tests.push((x) => x === lo);
    }
  }
}

function _setToken(negated: boolean, tests: Array<(c: number) => boolean>, invalid: boolean): Token {
  if (invalid) return { kind: 'never' }; // glibc: an unknown [:class:] never matches
  return { kind: 'set', negated, test: (c) => tests.some((t) => t(c)) };
}

function _one(t: Token, ch: string): boolean {
  switch (t.kind) {
    case 'lit':
      return t.ch === ch;
    case 'any':
      return true;
    case 'set':
      return t.test(ch.charCodeAt(0)) !== t.negated;
    default:
      return false;
  }
}

// Greedy match with backtracking to the last star: correct for globs, linear-ish in practice.
function _match(tokens: Token[], text: string): boolean {
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < text.length) {
    const t = tokens[ti];
    if (t?.kind === 'star') {
      starTi = ti++;
      starSi = si;
    } else if (t !== undefined && _one(t, text[si] as string)) {
      ti++;
      si++;
    } else if (starTi >= 0) {
      ti = starTi + 1;
      si = ++starSi;
    } else {
      return false;
    }
  }
  while (tokens[ti]?.kind === 'star') ti++;
  return ti === tokens.length;
}
