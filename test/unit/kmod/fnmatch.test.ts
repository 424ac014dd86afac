import { describe, expect, it } from 'vitest';
import { fnmatch } from '../../../src/kmod/fnmatch.js';
import { modnameFromPath, normalizeAlias, normalizeModname } from '../../../src/kmod/names.js';

describe('fnmatch (glibc semantics, flags 0)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['pci:v00001AF4d*sv*sd*bc*sc*i*', 'pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00', true],
    ['pci:v00001AF4d*sv*sd*bc*sc*i*', 'pci:v00008086d00001001sv00001AF4sd00000002bc01sc00i00', false],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'axxbyy', false],
    ['*', '', true],
    ['?', '', false],
    ['a?c', 'abc', true],
    ['a?c', 'a/c', true], // no FNM_PATHNAME
    ['*x', '.x', true], // no FNM_PERIOD
    ['d0[0-2]*', 'd01x', true],
    ['d0[0-2]*', 'd03x', false],
    ['[!a-c]x', 'dx', true],
    ['[!a-c]x', 'bx', false],
    ['[^a-c]x', 'bx', false],
    ['[]a]', ']', true],
    ['[!]a]', ']', false],
    ['[a-]', '-', true],
    ['[[:digit:]]x', '7x', true],
    ['[[:digit:]]x', 'ax', false],
    ['[[:upper:][:digit:]]', 'Q', true],
    ['[[:bogus:]]', 'a', false],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['a\\', 'a\\', false], // a trailing backslash never matches
    ['[ab', '[ab', true], // unterminated bracket is literal
    ['[ab', 'a', false],
    ['usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*', 'usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00', true],
    ['usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*', 'usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip62in00', false],
  ];
  it.each(cases)('fnmatch(%j, %j) = %s', (p, s, want) => {
    expect(fnmatch(p, s)).toBe(want);
  });
});

describe('names', () => {
  it('folds dashes in module names and cuts at the first dot', () => {
    expect(normalizeModname('nvme-core')).toBe('nvme_core');
    expect(modnameFromPath('kernel/drivers/nvme/host/nvme-core.ko.xz')).toBe('nvme_core');
    expect(modnameFromPath('/abs/crc32c-intel.ko')).toBe('crc32c_intel');
  });
  it('folds dashes in aliases except inside brackets, and rejects unmatched brackets', () => {
    expect(normalizeAlias('fs-ext4')).toBe('fs_ext4');
    expect(normalizeAlias('of:N*T*Cfoo-bar[a-z]-x')).toBe('of:N*T*Cfoo_bar[a-z]_x');
    expect(normalizeAlias('a[b-c')).toBeUndefined();
    expect(normalizeAlias('a]b')).toBeUndefined();
  });
});
