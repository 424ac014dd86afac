// The sysroot's /etc/ld.so.conf, read as ldconfig reads it: `#` starts a comment, `include PATTERN...`
// pulls in files matching glob patterns (relative ones taken from the including file's directory),
// `hwcap` lines are ignored, a trailing `=TYPE` on a directory is an obsolete tag, and every other
// line names one directory. The directories, in order and deduplicated, are what ld.so.cache holds.
import { posix } from 'node:path';
import type { Host } from '../host/host.js';
import { normalizeInRoot } from '../host/in-root-path.js';
import { globInRoot } from './conf-glob.js';

const LD_SO_CONF = '/etc/ld.so.conf';

export type LdSoConfLine = { kind: 'dir'; dir: string } | { kind: 'include'; pattern: string };

/** Parse one configuration file's text; `include` patterns are returned as written. */
export function parseLdSoConf(text: string): LdSoConfLine[] {
  const out: LdSoConfLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const include = /^include[ \t]+(.*)$/.exec(line);
    if (include) {
      for (const pattern of (include[1] ?? '').split(/[ \t]+/)) if (pattern) out.push({ kind: 'include', pattern });
      continue;
    }
    if (/^hwcap[ \t]/i.test(line)) continue;
    const eq = line.indexOf('=');
    const dir = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (dir !== '') out.push({ kind: 'dir', dir });
  }
  return out;
}

/** The library directories of the sysroot's ld.so.conf (and its includes); [] without one. */
export function readLdSoConfDirs(host: Host, file = LD_SO_CONF): string[] {
  const dirs: string[] = [];
  _readConf(host, normalizeInRoot(file), dirs, new Set());
  return [...new Set(dirs)];
}

function _readConf(host: Host, file: string, dirs: string[], seen: Set<string>): void {
  if (seen.has(file)) return; // an include loop: ldconfig would recurse forever
  seen.add(file);
  const text = host.tryReadText(file);
  if (text === undefined) return;
  for (const line of parseLdSoConf(text)) {
    if (line.kind === 'dir') {
      dirs.push(normalizeInRoot(line.dir));
      continue;
    }
    const pattern = line.pattern.startsWith('/') ? line.pattern : posix.join(posix.dirname(file), line.pattern);
    for (const match of globInRoot(host, pattern)) {
      if (host.stat(match)?.isFile()) _readConf(host, match, dirs, seen);
    }
  }
}
