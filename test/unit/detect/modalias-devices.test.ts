import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findModaliasDevices } from '../../../src/detect/modalias-devices.js';
import { DetectError } from '../../../src/errors.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { AHCI, ahciDisk, PCI, virtioMachine } from './machines.js';

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

describe('findModaliasDevices', () => {
  it('lists every modalias under /sys/devices once, sorted, with driver and driver module', () => {
    virtioMachine(tree);
    ahciDisk(tree, 0, 'sda', 8, 0);
    // A loop of links (driver dir → device → subsystem → ...) must not be followed.
    tree.link(`${AHCI}/firmware_node`, '/sys/devices/LNXSYSTM:00');
    tree.device('/sys/devices/LNXSYSTM:00', { modalias: 'acpi:LNXSYSTM:' });
    tree.link('/sys/devices/LNXSYSTM:00/physical_node', AHCI);
    const found = findModaliasDevices(tree.host());
    expect(found.map((d) => d.sysPath)).toEqual([
      '/sys/devices/LNXSYSTM:00',
      `${PCI}/0000:00:00.0`,
      `${PCI}/0000:00:04.0`,
      `${PCI}/0000:00:04.0/virtio2`,
      AHCI,
      `${AHCI}/ata1/host0/target0:0:0/0:0:0:0`,
    ]);
    expect(found[4]).toEqual({
      sysPath: AHCI,
      modalias: 'pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01',
      driver: 'ahci',
      driverModule: 'ahci',
    });
    expect(found[1]).toEqual({ sysPath: `${PCI}/0000:00:00.0`, modalias: 'pci:v00008086d000029C0sv00001AF4sd00001100bc06sc00i00' });
  });

  it('skips empty modalias files', () => {
    tree.device('/sys/devices/platform/foo', { modalias: '' });
    tree.file('/sys/devices/platform/foo/modalias', '\n');
    expect(findModaliasDevices(tree.host())).toEqual([]);
  });

  it('without /sys/devices it is a DetectError pointing at --sysfs', () => {
    tree.dir('/sys');
    expect(() => findModaliasDevices(tree.host())).toThrow(DetectError);
    expect(() => findModaliasDevices(tree.host())).toThrow(/--sysfs DIR/);
  });
});
