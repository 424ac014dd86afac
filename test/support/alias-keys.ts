// Concrete keys for alias patterns (modules.alias, modules.symbols), to test lookups with: each
// '*' becomes fill(n) for the n-th star, '?' a '0', a bracket its first member ('~' when negated).
export function fillWildcards(pattern: string, fill: (n: number) => string): string {
  let out = '';
  let n = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += fill(n++);
    else if (c === '?') out += '0';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, end);
      out += body.startsWith('!') || body.startsWith('^') ? '~' : (body[0] as string);
      i = end;
    } else out += c;
  }
  return out;
}
