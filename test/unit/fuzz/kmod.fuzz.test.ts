// Fuzz: the kmod database parsers — modules.dep, modules.alias, modprobe.d / modules.softdep
// (softdep, options, blacklist, install lines), modules.builtin, modules.builtin.modinfo — and the
// binary modules.alias.bin reader, on generated texts, mutated real-looking texts and a mutated index
// written by this machine's depmod. Parsers kmod treats as total are checked against small models.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModulesDbError } from '../../../src/errors.js';
import { AliasTable } from '../../../src/kmod/alias-table.js';
import { BinaryIndex } from '../../../src/kmod/binary-index.js';
import { buildKmodData } from '../../../src/kmod/kmod-data.js';
import { emptyModprobeConfig, parseModprobeConfig, parseSoftdepValue } from '../../../src/kmod/modprobe-config.js';
import { parseBuiltinModinfo, parseModulesBuiltin } from '../../../src/kmod/modules-builtin.js';
import { parseModulesDep } from '../../../src/kmod/modules-dep.js';
import { resolveModules } from '../../../src/kmod/resolve.js';
import { makeKo } from '../../support/make-ko.js';
import { expectTypedSync, mutate, mutationsArb, params, report } from './fuzz-kit.js';

const KVER = '6.1.0-fuzz';

/** Text built from pieces that matter to these formats, so generated lines look almost valid. */
const piece = fc.constantFrom(
  'kernel/drivers/a.ko', 'b-c.ko.xz', '/abs/d.ko', 'e', ':', ': ', ' ', '\t', '\n', '\r', '\\', '\\\n', '#', 'alias', 'alias ',
  'pci:v*d*', '[a-z]', '[!x]', '[', ']', '[[:alpha:]]', '*', '?', 'softdep', 'pre:', 'post:', 'options', 'blacklist', 'install',
  'remove', 'include', 'x=1', '-', '_', '.', '=', '\0', 'name.', 'ext4.alias=fs-ext4', 'é', '\u2028', 'virtio_blk',
);
const textArb = fc.oneof(fc.array(piece, { maxLength: 40 }).map((a) => a.join('')), fc.string({ maxLength: 200 }), fc.fullUnicodeString({ maxLength: 80 }));

const DEP = 'kernel/a.ko: kernel/b.ko kernel/c-d.ko\nkernel/b.ko: kernel/c-d.ko\nkernel/c-d.ko:\n# comment\n\nextra/e.ko.xz:\t kernel/a.ko\n';
const ALIAS = '# Aliases extracted from modules themselves.\nalias pci:v00001AF4d00001001sv*sd*bc*sc*i* b\nalias fs-ext4 a\nalias dmi*:pn* e\nalias c_d c_d\n';
const SOFTDEP = 'softdep a pre: b post: c_d\nsoftdep e pre: crypto-crc32c\n';
const MODPROBE = 'options a x=1 y=2\nblacklist e\ninstall b /bin/true \\\n  && echo hi\nalias foo a\nremove a /bin/false\nsoftdep b pre: a\n';
const BUILTIN = 'kernel/fs/ext4/ext4.ko\nkernel/crypto/crc32c_generic.ko\n';
const BUILTIN_MODINFO = 'ext4.alias=fs-ext4\0ext4.license=GPL\0crc32c_generic.alias=crypto-crc32c\0';

/** The reference model of modules.dep: which lines are entries, and their deps. */
function depModel(text: string): { entries: Array<{ path: string; deps: string[] }> } | 'error' {
  const entries: Array<{ path: string; deps: string[] }> = [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  for (const line of lines) {
    if (line === '' || line.startsWith('#') || line.trim() === '') continue;
    const m = /^([^: \t]+):(.*)$/s.exec(line);
    if (!m) return 'error';
    const rest = (m[2] as string).trim();
    entries.push({ path: m[1] as string, deps: rest === '' ? [] : rest.split(/[ \t]+/) });
  }
  return { entries };
}

const tiny = (mut: (s: string) => string, base: string): fc.Arbitrary<string> =>
  mutationsArb.map((ms) => mut(mutate(Buffer.from(base), ms).toString('latin1')));

describe('fuzz: modules.dep', () => {
  it('agrees with a reference model: the same entries, or a ModulesDbError exactly when a line is malformed', () => {
    const runs = 20000;
    const t0 = performance.now();
    fc.assert(
      fc.property(fc.oneof(textArb, tiny((s) => s, DEP)), (text) => {
        const want = depModel(text);
        let got: ReturnType<typeof parseModulesDep> | undefined;
        const err = expectTypedSync(() => (got = parseModulesDep(text, 'modules.dep')));
        if (want === 'error') {
          expect(err).toBeInstanceOf(ModulesDbError);
          return;
        }
        expect(err).toBeUndefined();
        expect(got?.entries.map((e) => ({ path: e.path, deps: [...e.deps] }))).toEqual(want.entries);
      }),
      params(runs),
    );
    report('modules.dep', runs, t0);
  });
});

describe('fuzz: modules.alias, modules.builtin(.modinfo), modprobe.d', () => {
  it('modules.alias: a table that answers lookups, or a ModulesDbError', () => {
    const runs = 15000;
    const t0 = performance.now();
    fc.assert(
      fc.property(fc.oneof(textArb, tiny((s) => s, ALIAS)), fc.constantFrom('fs-ext4', 'pci:v00001AF4d00001001sv1sd2bc3sc4i5', 'dmi:pnX', 'c_d', '', ':', '['), (text, key) => {
        expectTypedSync(() => AliasTable.fromText(text, 'modules.alias').lookup(key, () => 0));
      }),
      params(runs),
    );
    report('modules.alias', runs, t0);
  });

  it('modprobe.d and modules.softdep never throw (kmod skips bad lines with a warning)', () => {
    const runs = 20000;
    const t0 = performance.now();
    fc.assert(
      fc.property(fc.oneof(textArb, tiny((s) => s, MODPROBE), tiny((s) => s, SOFTDEP)), (text) => {
        const config = emptyModprobeConfig();
        parseModprobeConfig(config, text, 'x.conf'); // any throw fails the property
        for (const s of config.softdeps) s.glob.matches('a');
        for (const a of config.aliases) a.glob.matches('pci:v0000');
      }),
      params(runs),
    );
    report('modprobe.d/softdep', runs, t0);
  });

  it('softdep values: pre/post names as a model splits them', () => {
    const runs = 10000;
    const t0 = performance.now();
    fc.assert(
      fc.property(fc.array(fc.constantFrom('pre:', 'post:', 'a', 'b-c', ' ', '\t', '\n', 'pre', ':'), { maxLength: 20 }), (toks) => {
        const text = toks.join(' ');
        const words = text.split(/\s+/).filter((w) => w !== '');
        const pre: string[] = [];
        const post: string[] = [];
        let mode = '';
        for (const w of words) {
          if (w === 'pre:' || w === 'post:') mode = w;
          else if (mode === 'pre:') pre.push(w);
          else if (mode === 'post:') post.push(w);
        }
        expect(parseSoftdepValue(text)).toEqual({ pre, post });
      }),
      params(runs),
    );
    report('softdep value', runs, t0);
  });

  it('modules.builtin and modules.builtin.modinfo are total and keep only well-formed records', () => {
    const runs = 15000;
    const t0 = performance.now();
    fc.assert(
      fc.property(fc.oneof(textArb, tiny((s) => s, BUILTIN), tiny((s) => s, BUILTIN_MODINFO)), (text) => {
        parseModulesBuiltin(text);
        for (const r of parseBuiltinModinfo(Buffer.from(text, 'utf8'))) {
          expect(r.module).not.toBe('');
          expect(`${r.key}=${r.value}`).not.toContain('\0');
        }
      }),
      params(runs),
    );
    report('modules.builtin(.modinfo)', runs, t0);
  });

  it('a whole database of mutated files resolves requests or fails with a typed error, without hanging', () => {
    const runs = 4000;
    const t0 = performance.now();
    fc.assert(
      fc.property(
        tiny((s) => s, DEP),
        tiny((s) => s, ALIAS),
        tiny((s) => s, SOFTDEP + MODPROBE),
        fc.subarray(['a', 'b', 'c-d', 'e', 'fs-ext4', 'crypto-crc32c', 'foo', 'pci:v00001AF4d00001001sv1sd2bc3sc4i5']),
        (dep, alias, conf, requests) => {
          expectTypedSync(() => {
            const config = emptyModprobeConfig();
            parseModprobeConfig(config, conf, 'x.conf');
            const data = buildKmodData({
              kver: KVER,
              kmoddir: `/lib/modules/${KVER}`,
              modulesDep: dep,
              modulesAlias: alias,
              modulesBuiltin: BUILTIN,
              modulesBuiltinModinfo: BUILTIN_MODINFO,
              config,
            });
            resolveModules(data, requests, { unknown: 'warn' });
          });
        },
      ),
      params(runs),
    );
    report('kmod db + resolve (mutated)', runs, t0);
  });
});

describe('fuzz: modules.alias.bin (written by depmod)', () => {
  let dir: string;
  let bin: Buffer;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-fuzz-kmod-'));
    const mods = join(dir, 'lib/modules', KVER, 'kernel');
    mkdirSync(mods, { recursive: true });
    const aliases: Array<[string, string[]]> = [
      ['virtio_blk', ['virtio:d00000002v*', 'pci:v00001AF4d00001001sv*sd*bc*sc*i*']],
      ['ahci', ['pci:v*d*sv*sd*bc01sc06i01*', 'pci:v00008086d00002922sv*sd*bc*sc*i*']],
      ['ext4', ['fs-ext4', 'fs-ext3', 'fs-ext2']],
      ['nvme', ['pci:v*d*sv*sd*bc01sc08i02*']],
      ['dmi_x', ['dmi*:pn[Aa]b?c*']],
    ];
    for (const [name, list] of aliases)
      writeFileSync(join(mods, `${name}.ko`), makeKo({ modinfo: [['license', 'GPL'], ...list.map((a) => ['alias', a] as const), ['name', name]] }));
    execFileSync('depmod', ['-b', dir, KVER]);
    bin = readFileSync(join(dir, 'lib/modules', KVER, 'modules.alias.bin'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mutated index: lookups answer or throw a ModulesDbError, never overflow the stack or hang', () => {
    const runs = 15000;
    const t0 = performance.now();
    const keys = ['fs-ext4', 'pci:v00001AF4d00001001sv1sd2bc3sc4i5', 'pci:v00008086d00002922sv0sd0bc01sc06i01', 'dmi:pnAbxc', 'virtio:d00000002v00001AF4', 'zzz', ''];
    fc.assert(
      fc.property(mutationsArb, (ms) => {
        const bytes = mutate(bin, ms);
        expectTypedSync(() => {
          const index = BinaryIndex.open(bytes, 'modules.alias.bin');
          for (const k of keys) index?.lookup(k, () => 0);
        });
      }),
      params(runs),
    );
    report('modules.alias.bin (mutated)', runs, t0);
  });
});
