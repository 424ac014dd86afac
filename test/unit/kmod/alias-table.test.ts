import { describe, expect, it } from 'vitest';
import { AliasTable } from '../../../src/kmod/alias-table.js';

describe('AliasTable', () => {
  it('finds a pattern whose bus has a dash: keys are normalised (xen-backend: → xen_backend:)', () => {
    const table = AliasTable.fromText('alias xen-backend:vbd xen_blkback\nalias pci:v00001AF4d* virtio_pci\n', 'modules.alias');
    expect(table.lookup('xen_backend:vbd', () => 0)).toEqual(['xen_blkback']);
    expect(table.lookup('pci:v00001AF4d00001042', () => 0)).toEqual(['virtio_pci']);
    expect(table.lookup('xen_backend:vif', () => 0)).toEqual([]);
  });
});
