// glob(3) over the Host, as ldconfig expands `include` patterns: `*`, `?` and `[...]` per path
// component, a leading dot only matched explicitly, results sorted, only paths that exist.
import type { Host } from '../host/host.js';
import { normalizeInRoot, splitInRoot } from '../host/in-root-path.js';

export function globInRoot(host: Host, pattern: string): string[] {
  let found = ['/'];
  for (const comp of splitInRoot(pattern)) {
    const next: string[] = [];
    for (const dir of found) {
      if (!_hasMagic(comp)) {
        next.push(_join(dir, _unescape(comp)));
        continue;
      }
      const re = _componentRegex(comp);
      for (const name of host.readdir(dir)) {
        if (name.startsWith('.') && !comp.startsWith('.')) continue;
        if (re.test(name)) next.push(_join(dir, name));
      }
    }
    found = next;
  }
  return found.filter((p) => host.lstat(p) !== undefined).sort();
}

function _join(dir: string, name: string): string {
  return normalizeInRoot(`${dir}/${name}`);
}

function _hasMagic(comp: string): boolean {
  return /[*?[]/.test(comp);
}

function _unescape(comp: string): string {
  return comp.replace(/\\(.)/g, '$1');
}

function _componentRegex(comp: string): RegExp {
  let re = '';
  for (let i = 0; i < comp.length; i++) {
    const c = comp[i] as string;
    if (c === '\\' && i + 1 < comp.length) re += _escape(comp[++i] as string);
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = comp.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = comp.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else re += _escape(c);
  }
  return new RegExp(`^${re}$`, 's');
}

function _escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, (m) => `\\${m}`);
}
