// The build ↔ boot contract (src/boot-contract.ts) against the shell the image carries: the boot-time
// shell files the shipped features install (init.sh, the library, the hooks) are read as text, and
// what they run, source, glob and read is compared with what the contract defines, both ways. A stage,
// path or image.conf key renamed on one side only fails here, not at boot.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CMDLINE_DIR, EMBEDDED_CMDLINE, HOOKS_DIR, hookPath, IMAGE_CONF, IMAGE_CONF_KEYS, imageConfText, INIT_LIB_DIR, KEYMAP_DIR, STAGES } from '../../src/boot-contract.js';
import { BUILTIN_MODULES_D } from '../../src/features/load-features.js';
import { type FeatureManifest, parseManifest } from '../../src/features/manifest.js';

const features: FeatureManifest[] = readdirSync(BUILTIN_MODULES_D, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => {
    const dir = join(BUILTIN_MODULES_D, d.name);
    return parseManifest(readFileSync(join(dir, 'module.toml'), 'utf8'), d.name, dir, join(dir, 'module.toml'));
  });

/** Every shell file an image carries (the features' .sh files and hooks), without its comments. */
const shell = new Map<string, string>();
for (const f of features) {
  const scripts = [...f.files.flatMap((x) => (x.source?.endsWith('.sh') ? [x.source] : [])), ...f.hooks.map((h) => h.script)];
  for (const s of scripts) shell.set(`${f.name}/${s}`, _uncommented(readFileSync(join(f.dir, s), 'utf8')));
}
const allShell = [...shell.values()].join('\n');
const initSh = shell.get('base/init.sh') ?? '';

/** The files the features install under INIT_LIB_DIR (their image paths). */
const installed = new Set(features.flatMap((f) => f.files.map((x) => x.path)).filter((p) => p.startsWith(`${INIT_LIB_DIR}/`)));

describe('the shell files read for the contract', () => {
  it('include /init, its library and the hooks', () => {
    expect(shell.has('base/init.sh')).toBe(true);
    expect(shell.has('base/cmdline.sh')).toBe(true);
    expect(shell.has('rootfs-block/find-root.sh')).toBe(true);
    expect(shell.size).toBeGreaterThan(20);
  });
});

describe('stages', () => {
  it('/init runs the hooks of every stage, in the contract’s order', () => {
    const run = [...initSh.matchAll(/\brun_hooks\s+(\S+)/g)].map((m) => m[1] as string);
    expect([...new Set(run)]).toEqual([...STAGES]);
  });

  it('every stage the shell names (run_hooks, stage_break) is one of the contract’s', () => {
    const named = [...allShell.matchAll(/\b(?:run_hooks|stage_break)\s+([^\s;|&]+)/g)].map((m) => m[1] as string);
    expect(named.length).toBeGreaterThan(STAGES.length);
    expect(named.filter((s) => !(STAGES as readonly string[]).includes(s))).toEqual([]);
  });
});

describe('paths', () => {
  it('/init sources image.conf where the generator writes it', () => {
    expect(initSh).toMatch(new RegExp(`^\\[ -r ${_re(IMAGE_CONF)} \\] && \\. ${_re(IMAGE_CONF)}$`, 'm'));
  });

  it('run_hooks globs the folder every hook is written to', () => {
    const glob = _globs(allShell, HOOKS_DIR);
    expect(glob).toEqual([`${HOOKS_DIR}/"$1"/*.sh`]);
    const hooks = features.flatMap((f) => f.hooks.map((h) => ({ stage: h.stage, path: hookPath(h.stage, h.order, f.name, h.script) })));
    expect(hooks.length).toBeGreaterThan(10);
    for (const h of hooks) expect(h.path, h.path).toMatch(_globRe((glob[0] as string).replace('"$1"', h.stage)));
  });

  it('read_cmdline globs the file the generator embeds the command line in', () => {
    const glob = _globs(allShell, CMDLINE_DIR);
    expect(glob).toEqual([`${CMDLINE_DIR}/*.conf`]);
    expect(EMBEDDED_CMDLINE).toMatch(_globRe(glob[0] as string));
  });

  it('every file the shell sources from the library is installed by a feature, and every installed one is sourced', () => {
    const sourced = new Set([...allShell.matchAll(/(?:^|[\s;&|])\.\s+"?(\/[^\s";|&]+)/gm)].map((m) => m[1] as string).filter((p) => p.startsWith(`${INIT_LIB_DIR}/`)));
    const dynamic = [...allShell.matchAll(/(?:^|[\s;&|])\.\s+"?(\$\S+)/gm)].map((m) => m[1] as string);
    expect(dynamic).toEqual(['$_h"']); // run_hooks' hook, the only file sourced by a variable
    expect([...sourced].filter((p) => !installed.has(p))).toEqual([]);
    expect([...installed].filter((p) => p.endsWith('.sh') && !sourced.has(p))).toEqual([]);
  });

  it('the shell names no other path of mkinitramfs-ts than these', () => {
    const named = [...allShell.matchAll(/\/(?:etc|lib|usr\/lib)\/(?:mkinitramfs-ts|cmdline\.d)[^\s;|&)<>'"]*(?:"\$1"[^\s;|&)<>'"]*)?/g)].map((m) => m[0]);
    const known = (p: string): boolean => p === IMAGE_CONF || p === KEYMAP_DIR || installed.has(p) || p === `${HOOKS_DIR}/"$1"/*.sh` || p === `${CMDLINE_DIR}/*.conf`;
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((p) => !known(p))).toEqual([]);
  });
});

describe('image.conf keys', () => {
  const { reads, assigned } = _variables(allShell);
  /** Set by the kernel or the shell itself, never by image.conf. */
  const environment = new Set(['PATH', 'IFS', 'HOME', 'PWD', 'TERM']);
  const fromOutside = [...reads].filter((v) => /^[A-Z][A-Z0-9_]*$/.test(v) && !assigned.has(v) && !environment.has(v)).sort();

  it('finds what the shell sets and reads (the parser sees the usual forms)', () => {
    for (const v of ['CMDLINE', 'ROOT_DEV', 'KERNEL_RELEASE', 'ROOT_TIMEOUT_S', 'COLDPLUG_N', 'ARGVAL']) expect(assigned, v).toContain(v);
    for (const v of ['CMDLINE', 'ROOT_TIMEOUT_S', 'COLDPLUG_N', 'MODPROBE_Q']) expect(reads, v).toContain(v);
  });

  it('every key the generator writes is read by the shell, and never set by it', () => {
    for (const k of IMAGE_CONF_KEYS) {
      expect(reads, k).toContain(k);
      expect(assigned, k).not.toContain(k);
    }
  });

  it('the shell reads no variable that neither it nor image.conf sets', () => {
    expect(fromOutside).toEqual([...IMAGE_CONF_KEYS].sort());
  });

  it('image.conf is shell that sets each key to its value exactly, whatever the value holds', () => {
    const values = {
      IMAGE_KVER: "6.1.0-28-amd64 it's",
      IMAGE_MODE: 'host-only' as const,
      IMAGE_FEATURES: 'base crypt $(touch /tmp/pwned) `id` "q"',
      FORCE_DRIVERS: "a\\b 'c' ${IFS}",
      ROOT_TIMEOUT: '45',
    };
    const text = imageConfText(values);
    expect(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('=')[0])).toEqual(IMAGE_CONF_KEYS);
    const dir = mkdtempSync(join(tmpdir(), 'mkits-contract-'));
    try {
      writeFileSync(join(dir, 'image.conf'), text);
      const r = spawnSync('sh', ['-c', `. ./image.conf; for k in ${IMAGE_CONF_KEYS.join(' ')}; do eval "printf '%s\\037' \\"\\$$k\\""; done`], { cwd: dir, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\x1f').slice(0, -1)).toEqual(IMAGE_CONF_KEYS.map((k) => values[k]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(imageConfText({ ...values, ROOT_TIMEOUT: undefined })).not.toContain('ROOT_TIMEOUT');
  });
});

/** The text without comments: a # at the start of a word, to the end of its line. */
function _uncommented(text: string): string {
  return text.replace(/(^|\s)#.*$/gm, '$1');
}

/** The globs the shell uses under DIR (as written: quotes kept). */
function _globs(text: string, dir: string): string[] {
  return [...new Set([...text.matchAll(new RegExp(`${_re(dir)}/[^\\s;|&)<>]*\\*[^\\s;|&)<>]*`, 'g'))].map((m) => m[0]))];
}

/** A shell glob of one path (no quotes left but around "$1") as an anchored regex: * within a name. */
function _globRe(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(_re).join('[^/]*')}$`);
}

function _re(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The variables the shell reads ($X, ${X...}, names in $((...))) and those it sets (X=, read X, for X). */
function _variables(text: string): { reads: Set<string>; assigned: Set<string> } {
  const reads = new Set([...text.matchAll(/\$\{?#?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string));
  for (const m of text.matchAll(/\$\(\((.*?)\)\)/g)) for (const n of (m[1] as string).matchAll(/(?<![$\w])([A-Za-z_][A-Za-z0-9_]*)/g)) reads.add(n[1] as string);
  const assigned = new Set([...text.matchAll(/(?:^|[\s;&|({!])(?:export\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1] as string));
  for (const m of text.matchAll(/\bfor\s+([A-Za-z_][A-Za-z0-9_]*)/g)) assigned.add(m[1] as string);
  for (const m of text.matchAll(/\bread\s+([^;|&<>\n]*)/g)) {
    const words = (m[1] as string).split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      if (w === '-t' || w === '-p' || w === '-n' || w === '-d') i++;
      else if (w.startsWith('-')) continue;
      else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(w)) assigned.add(w);
      else break;
    }
  }
  return { reads, assigned };
}
