// Which console keymap the passphrase prompt needs, read from the sysroot as systemd and Debian keep it:
// --keymap / keymap = "…" first, else /etc/vconsole.conf KEYMAP=, else Debian's /etc/default/keyboard
// (console-setup's own compiled map when it has one, else the X layout translated with systemd's
// kbd-model-map). "us" is the kernel's built-in map: nothing to load.
import { posix } from 'node:path';
import type { Host } from '../host/host.js';

export interface KeymapChoice {
  /** The name the image knows it by (/etc/vconsole.conf KEYMAP= in the image, rd.vconsole.keymap=). */
  name: string;
  /** The keymap source in the sysroot (a loadkeys text map, maybe gzip-compressed). */
  source: string;
  /** Where the choice came from, for `explain`. */
  from: string;
}

export type KeymapLookup =
  | { kind: 'none'; why: string }
  | { kind: 'found'; choice: KeymapChoice }
  /** A keymap is configured but its source is not in the sysroot. */
  | { kind: 'missing'; name: string; from: string; searched: string[] };

/** The keymap folders of console-data (Debian) and kbd (upstream, Fedora, Arch). */
export const KEYMAP_DIRS = ['/usr/share/keymaps', '/usr/share/kbd/keymaps', '/usr/lib/kbd/keymaps'];
const KEYMAP_SUFFIXES = ['.map.gz', '.map', '.kmap.gz', '.kmap'];
/** console-setup's map compiled from /etc/default/keyboard (setupcon --save-keyboard keeps it there). */
const CONSOLE_SETUP_CACHE = '/etc/console-setup/cached_UTF-8_del.kmap.gz';
const KBD_MODEL_MAP = '/usr/share/systemd/kbd-model-map';

export function chooseKeymap(host: Host, requested?: string): KeymapLookup {
  if (requested !== undefined) return _byName(host, requested, `--keymap ${requested}`);
  const vconsole = host.tryReadText('/etc/vconsole.conf');
  const keymap = vconsole === undefined ? undefined : shellAssignments(vconsole).get('KEYMAP');
  if (keymap) return _byName(host, keymap, '/etc/vconsole.conf');
  const keyboard = host.tryReadText('/etc/default/keyboard');
  if (keyboard === undefined) return { kind: 'none', why: 'no /etc/vconsole.conf KEYMAP= and no /etc/default/keyboard: the US layout' };
  const vars = shellAssignments(keyboard);
  const layout = (vars.get('XKBLAYOUT') ?? '').split(',')[0] ?? '';
  const variant = (vars.get('XKBVARIANT') ?? '').split(',')[0] ?? '';
  if (layout === '' || (layout === 'us' && variant === '')) return { kind: 'none', why: `/etc/default/keyboard: XKBLAYOUT=${layout || '(empty)'}, the US layout` };
  const label = variant ? `${layout}-${variant}` : layout;
  if (host.exists(CONSOLE_SETUP_CACHE)) return { kind: 'found', choice: { name: label, source: CONSOLE_SETUP_CACHE, from: `/etc/default/keyboard (XKBLAYOUT=${layout}${variant ? ` XKBVARIANT=${variant}` : ''}) as console-setup compiled it` } };
  const fromModelMap = kbdModelMapKeymap(host.tryReadText(KBD_MODEL_MAP) ?? '', layout, variant);
  if (fromModelMap === undefined) return { kind: 'missing', name: label, from: `/etc/default/keyboard (no ${CONSOLE_SETUP_CACHE}, and ${KBD_MODEL_MAP} has no console keymap for it)`, searched: [CONSOLE_SETUP_CACHE, KBD_MODEL_MAP] };
  if (fromModelMap === 'us') return { kind: 'none', why: `/etc/default/keyboard: ${label} is the US console keymap` };
  return _byName(host, fromModelMap, `/etc/default/keyboard (XKBLAYOUT=${layout}${variant ? ` XKBVARIANT=${variant}` : ''}, console keymap ${fromModelMap} by ${KBD_MODEL_MAP})`);
}

function _byName(host: Host, name: string, from: string): KeymapLookup {
  if (name.startsWith('/')) {
    if (!host.exists(name)) return { kind: 'missing', name, from, searched: [name] };
    return { kind: 'found', choice: { name: _baseName(name), source: name, from } };
  }
  if (name === 'us') return { kind: 'none', why: `${from}: us, the kernel's own map` };
  const source = findKeymapFile(host, name);
  if (source === undefined) return { kind: 'missing', name, from, searched: KEYMAP_DIRS };
  return { kind: 'found', choice: { name, source, from } };
}

/** NAME.map(.gz) / NAME.kmap(.gz) anywhere under the keymap folders (not their include/ folders), first in sorted order. */
export function findKeymapFile(host: Host, name: string): string | undefined {
  const wanted = new Set(KEYMAP_SUFFIXES.map((s) => `${name}${s}`));
  const walk = (dir: string, depth: number): string | undefined => {
    const entries = host.readdirEntries(dir);
    for (const e of entries) if (!e.isDir && wanted.has(e.name)) return posix.join(dir, e.name);
    if (depth === 0) return undefined;
    for (const e of entries) {
      if (!e.isDir || e.name === 'include') continue;
      const hit = walk(posix.join(dir, e.name), depth - 1);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  for (const dir of KEYMAP_DIRS) {
    const hit = walk(dir, 3);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** KEY=VALUE lines of a shell-style settings file, quotes removed; never evaluated. */
export function shellAssignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(raw);
    if (!m) continue;
    let value = (m[2] ?? '').trim();
    const quoted = /^"([^"]*)"|^'([^']*)'/.exec(value);
    if (quoted) value = quoted[1] ?? quoted[2] ?? '';
    else value = value.replace(/\s+#.*$/, '');
    out.set(m[1] as string, value);
  }
  return out;
}

/**
 * The console keymap systemd's kbd-model-map gives an X layout (columns: console keymap, X layout, model,
 * variant, options; "-" is empty): the line with the same layout and variant, else one with the layout
 * and no variant.
 */
export function kbdModelMapKeymap(text: string, layout: string, variant: string): string | undefined {
  let plain: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [keymap, xlayout, , xvariant] = line.split(/\s+/);
    if (keymap === undefined || xlayout !== layout) continue;
    const v = xvariant === undefined || xvariant === '-' ? '' : xvariant;
    if (v === variant) return keymap;
    if (v === '' && plain === undefined) plain = keymap;
  }
  return variant === '' ? undefined : plain;
}

function _baseName(path: string): string {
  return posix.basename(path).replace(/\.(k?map)(\.gz)?$/, '');
}
