// What the kernel image itself provides: modules.builtin (one module path a line) and
// modules.builtin.modinfo ("name.key=value" records separated by NUL; its aliases resolve requests
// the way modules.alias does for loadable modules).
import { modnameFromPath, normalizeModname } from './names.js';

/** Module names listed in modules.builtin. */
export function parseModulesBuiltin(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const path = line.trim();
    if (path !== '' && path[0] !== '#') out.add(modnameFromPath(path));
  }
  return out;
}

export interface BuiltinModinfoRecord {
  readonly module: string;
  readonly key: string;
  readonly value: string;
}

/** Records of modules.builtin.modinfo, in file order; records without "name." or "=" are skipped. */
export function parseBuiltinModinfo(bytes: Uint8Array | string): BuiltinModinfoRecord[] {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const out: BuiltinModinfoRecord[] = [];
  for (const rec of text.split('\0')) {
    const dot = rec.indexOf('.');
    if (dot <= 0) continue;
    const eq = rec.indexOf('=', dot + 1);
    if (eq < 0) continue;
    out.push({ module: normalizeModname(rec.slice(0, dot)), key: rec.slice(dot + 1, eq), value: rec.slice(eq + 1) });
  }
  return out;
}
