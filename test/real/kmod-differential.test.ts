// Our resolver against kmod itself on the real Debian kernel: for every module, the exact lines of
// `modprobe --show-depends` (order, duplicates, options, "builtin X") and the set of files our
// resolve() chooses; for every fs-* / crypto-* alias and a deterministic sample of 2000+ other
// aliases from modules.alias, `modprobe --resolve-alias`. Both read the modprobe.d of the fixture
// sysroot (kmod 30's four directories inside it, given to modprobe with -C), never this machine's own:
// what packages happen to be installed here (mdadm's "options md_mod start_ro=1") must not change the
// result, and the sysroot's mdadm.conf makes sure a dependency with options is always compared. Both
// read /proc/cmdline (modprobe always does), the fixture's module dir, and root "/".
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FsHost } from '../../src/host/fs-host.js';
import { openKmodDb, type KmodDb } from '../../src/kmod/kmod-db.js';
import { fillWildcards } from '../support/alias-keys.js';
import { buildSysroot, kernelRoot, kmodDir, kver } from '../support/fixtures.js';
import { configDirsIn, modprobeConfigArgs } from '../support/modprobe-config.js';


function openAsModprobe(): KmodDb {
  return openKmodDb(new FsHost({ root: '/' }), kver(), {
    kmoddir: kmodDir(),
    configDirs: configDirsIn(buildSysroot()),
    kernelCmdline: readFileSync('/proc/cmdline', 'utf8'),
  });
}

function modprobe(args: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('modprobe', ['--set-version', kver(), '--dirname', kernelRoot(), ...modprobeConfigArgs(buildSysroot()), ...args], { maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err && !/not found in directory/.test(stderr)) reject(new Error(`modprobe ${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout.split('\n').filter((l) => l !== ''));
    });
  });
}

async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

const LIMIT = Math.max(4, cpus().length * 3);

/** A concrete key that `pattern` matches: wildcards filled deterministically from `seed`. */
function instantiate(pattern: string, seed: number): string {
  const fills = ['', '0', 'A1', '00000001', 'xyz'];
  return fillWildcards(pattern, (n) => fills[(seed + n) % fills.length] as string);
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

describe('kmod differential (real kernel)', () => {
  it('show-depends of every module equals modprobe --show-depends, and resolve() picks the same files', async () => {
    const db = openAsModprobe();
    const names = db.data.dep.entries.map((e) => e.name);
    expect(names.length).toBe(4023);
    const theirs = await pool(names, LIMIT, (n) => modprobe(['--show-depends', n]));
    expect(theirs.flat().filter((l) => l.startsWith('insmod ')).length).toBeGreaterThan(2 * names.length);
    // the sysroot's mdadm.conf is in effect: a dependency (md_mod of raid1) carries modprobe.d options
    expect(theirs[names.indexOf('raid1')]?.some((l) => /\/md-mod\.ko start_ro=1 ?$/.test(l))).toBe(true);
    const mismatches: string[] = [];
    names.forEach((name, i) => {
      const expected = theirs[i] as string[];
      const ours = db.showDepends(name);
      if (JSON.stringify(ours) !== JSON.stringify(expected)) mismatches.push(`${name}:\n  ours   ${ours.join('\n         ')}\n  kmod   ${expected.join('\n         ')}`);
      const files = db.resolve([name]).modules.map((m) => m.path).sort();
      const kmodFiles = dedupe(expected.filter((l) => l.startsWith('insmod ')).map((l) => l.split(' ')[1] as string)).sort();
      if (JSON.stringify(files) !== JSON.stringify(kmodFiles)) mismatches.push(`${name}: resolve() files differ`);
    });
    console.log(`show-depends: ${names.length} modules, ${mismatches.length} mismatches`);
    expect(mismatches.slice(0, 5)).toEqual([]);
  }, 300_000);

  it('resolve-alias of every fs-*/crypto-* alias and 2000+ sampled aliases equals modprobe --resolve-alias', async () => {
    const db = openAsModprobe();
    const patterns = readFileSync(`${kmodDir()}/modules.alias`, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('alias '))
      .map((l) => l.split(' ')[1] as string);
    const builtinAliases = readFileSync(`${kmodDir()}/modules.builtin.modinfo`, 'latin1')
      .split('\0')
      .filter((r) => r.includes('.alias='))
      .map((r) => r.slice(r.indexOf('=') + 1));
    const named = dedupe([...patterns, ...builtinAliases].filter((p) => p.startsWith('fs-') || p.startsWith('crypto-')));
    const others = patterns.filter((p) => !p.startsWith('fs-') && !p.startsWith('crypto-'));
    const step = Math.floor(others.length / 2100);
    const sampled = others.filter((_, i) => i % step === 0).map((p, i) => instantiate(p, i));
    const keys = dedupe([...named, ...sampled, 'fs-no-such-fs', 'pci:v0000FFFFd0000FFFFsv0sd0bc0sc0i0']);
    expect(named.length).toBeGreaterThan(100);
    expect(sampled.length).toBeGreaterThanOrEqual(2000);
    const theirs = await pool(keys, LIMIT, (k) => modprobe(['--resolve-alias', k]));
    const mismatches: string[] = [];
    let multi = 0;
    keys.forEach((key, i) => {
      const expected = dedupe(theirs[i] as string[]);
      const ours = db.resolveAlias(key);
      if (expected.length > 1) multi++;
      if (JSON.stringify(ours) !== JSON.stringify(expected)) mismatches.push(`${key}: ours [${ours.join(' ')}] kmod [${expected.join(' ')}]`);
    });
    // The fs-*/crypto-* aliases are what softdeps and mount use: their whole probe lists must agree too.
    const shows = await pool(named, LIMIT, (k) => modprobe(['--show-depends', k]));
    named.forEach((key, i) => {
      if (JSON.stringify(db.showDepends(key)) !== JSON.stringify(shows[i])) mismatches.push(`${key}: show-depends differs`);
    });
    console.log(
      `resolve-alias: ${keys.length} keys (${named.length} fs-/crypto-, ${sampled.length} sampled, ${multi} resolving to several modules), ${mismatches.length} mismatches`,
    );
    expect(mismatches.slice(0, 5)).toEqual([]);
  }, 300_000);
});
