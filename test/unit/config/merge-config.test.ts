import { describe, expect, it } from 'vitest';
import { emptyConfig, type MkConfig } from '../../../src/config/config-schema.js';
import { mergeConfigs } from '../../../src/config/merge-config.js';

const cfg = (part: Partial<MkConfig>): MkConfig => ({ ...emptyConfig(), ...part });

describe('mergeConfigs', () => {
  it('lets a later scalar replace an earlier one, and keeps scalars a later file does not set', () => {
    const m = mergeConfigs([cfg({ compress: 'gzip', hostonly: true, rootTimeout: 10 }), cfg({ compress: 'xz:6', hostonly: false })]);
    expect(m.compress).toBe('xz:6');
    expect(m.hostonly).toBe(false);
    expect(m.rootTimeout).toBe(10);
  });

  it('appends lists in file order without repeating a name', () => {
    const m = mergeConfigs([cfg({ add: ['lvm', 'crypt'], filesystems: ['xfs'] }), cfg({ add: ['crypt', 'mdraid'] }), cfg({ filesystems: ['btrfs'] })]);
    expect(m.add).toEqual(['lvm', 'crypt', 'mdraid']);
    expect(m.filesystems).toEqual(['xfs', 'btrfs']);
  });

  it('gives an empty configuration for no files and does not alias its inputs', () => {
    expect(mergeConfigs([])).toEqual(emptyConfig());
    const a = cfg({ add: ['x'] });
    mergeConfigs([a, cfg({ add: ['y'] })]);
    expect(a.add).toEqual(['x']);
  });
});
