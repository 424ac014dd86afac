// kmod's binary indexes (modules.alias.bin, modules.symbols.bin, written by depmod) read as a trie
// must answer every lookup exactly as the text files do. kmod-differential.test.ts checks the
// database (which reads the .bin files) against modprobe itself; this one proves the two readers
// agree on every pattern of the real kernel, so the text fallback is held to kmod's answers too.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModulesDbError } from '../../src/errors.js';
import { AliasTable } from '../../src/kmod/alias-table.js';
import { BinaryIndex } from '../../src/kmod/binary-index.js';
import { normalizeAlias } from '../../src/kmod/names.js';
import { fillWildcards } from '../support/alias-keys.js';
import { kmodDir } from '../support/fixtures.js';

/** Keys that each pattern matches: wildcards filled in two ways. */
function keysOf(pattern: string): string[] {
  return ['', 'A1'].map((fill) => fillWildcards(pattern, () => fill));
}

function compare(file: string): { keys: number; hits: number; mismatches: string[] } {
  const text = readFileSync(`${kmodDir()}/${file}`, 'utf8');
  const table = AliasTable.fromText(text, file);
  const bin = BinaryIndex.open(readFileSync(`${kmodDir()}/${file}.bin`), `${file}.bin`);
  expect(bin).toBeDefined();
  const patterns = text.split('\n').filter((l) => l.startsWith('alias ')).map((l) => l.split(' ')[1] as string);
  const keys = [...new Set(patterns.flatMap(keysOf).map((k) => normalizeAlias(k) ?? k))];
  keys.push('no_such_bus:x', 'pci:', '');
  const rank = (m: string): number => m.length; // any priority: both readers must order by it the same way
  const mismatches: string[] = [];
  let hits = 0;
  for (const key of keys) {
    const ours = bin?.lookup(key, rank) ?? [];
    const theirs = table.lookup(key, rank);
    hits += ours.length;
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`${key}: bin [${ours.join(' ')}] text [${theirs.join(' ')}]`);
  }
  return { keys: keys.length, hits, mismatches };
}

describe('kmod binary indexes (real kernel)', () => {
  it.each(['modules.alias', 'modules.symbols'])('%s.bin answers every pattern as the text file does', (file) => {
    const r = compare(file);
    console.log(`${file}.bin: ${r.keys} keys, ${r.hits} hits, ${r.mismatches.length} mismatches`);
    expect(r.keys).toBeGreaterThan(10_000);
    expect(r.hits).toBeGreaterThan(r.keys / 2);
    expect(r.mismatches.slice(0, 5)).toEqual([]);
  }, 120_000);

  it('a truncated index is a ModulesDbError naming the file and the fix; a foreign file is not an index', () => {
    const bytes = readFileSync(`${kmodDir()}/modules.alias.bin`);
    const cut = BinaryIndex.open(bytes.subarray(0, 4096), '/lib/modules/K/modules.alias.bin');
    expect(() => cut?.lookup('pci:v00001AF4d00001042sv00001AF4sd00000002bc01sc00i00', () => 0)).toThrow(ModulesDbError);
    expect(() => cut?.lookup('pci:v00001AF4d00001042sv00001AF4sd00000002bc01sc00i00', () => 0)).toThrow(
      /^\/lib\/modules\/K\/modules\.alias\.bin: corrupt index .*rerun depmod/,
    );
    expect(BinaryIndex.open(readFileSync(`${kmodDir()}/modules.alias`), 'modules.alias')).toBeUndefined();
    expect(BinaryIndex.open(Buffer.alloc(8), 'empty')).toBeUndefined();
  });
});
