import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockStackOf } from '../../../src/detect/block-stack.js';
import type { BlockNode } from '../../../src/detect/host-facts.js';
import { DetectError } from '../../../src/errors.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { AHCI, ahciDisk, nvmeDisk, PCI, virtioMachine } from './machines.js';

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

/** name(kind)[slaves...] — the shape of a stack at a glance. */
function shape(node: BlockNode): string {
  const below = node.slaves.length ? `[${node.slaves.map(shape).join(',')}]` : '';
  return `${node.name}(${node.kind})${below}`;
}

function modaliasChain(node: BlockNode): string[] {
  return (node.hardware ?? []).map((a) => `${a.sysPath.slice(a.sysPath.lastIndexOf('/') + 1)} ${a.driverModule ?? a.driver ?? '-'}`);
}

describe('blockStackOf', () => {
  it('virtio: the partition sits on its disk, whose hardware is virtio2 then the PCI function', () => {
    virtioMachine(tree);
    const top = blockStackOf(tree.host(), '254:1');
    expect(shape(top)).toBe('vda1(partition)[vda(disk)]');
    expect(top).toMatchObject({ majMin: '254:1', partition: 1, sysPath: `${PCI}/0000:00:04.0/virtio2/block/vda/vda1` });
    expect(top.slaves[0]?.hardware).toEqual([
      { sysPath: `${PCI}/0000:00:04.0/virtio2`, modalias: 'virtio:d00000002v00001AF4', driver: 'virtio_blk', driverModule: 'virtio_blk' },
      {
        sysPath: `${PCI}/0000:00:04.0`,
        modalias: 'pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00',
        driver: 'virtio-pci',
        driverModule: 'virtio_pci',
      },
    ]);
  });

  it('AHCI: sda2 → sda, hardware through the SCSI disk, the ata port levels and the ahci controller', () => {
    const sda = ahciDisk(tree, 0, 'sda', 8, 0);
    tree.partition(sda, 'sda2', '8:2', 2);
    const top = blockStackOf(tree.host(), '8:2');
    expect(shape(top)).toBe('sda2(partition)[sda(disk)]');
    expect(modaliasChain(top.slaves[0] as BlockNode)).toEqual(['0:0:0:0 sd_mod', '0000:00:1f.2 ahci']);
    expect(top.slaves[0]?.hardware?.[1]).toEqual({
      sysPath: AHCI,
      modalias: 'pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01',
      driver: 'ahci',
      driverModule: 'ahci',
    });
  });

  it('NVMe: the namespace has no block/ level; the PCIe root port (built-in driver) is in the chain', () => {
    const disk = nvmeDisk(tree);
    tree.partition(disk, 'nvme0n1p2', '259:2', 2);
    const top = blockStackOf(tree.host(), '259:2');
    expect(shape(top)).toBe('nvme0n1p2(partition)[nvme0n1(disk)]');
    expect(modaliasChain(top.slaves[0] as BlockNode)).toEqual(['0000:3d:00.0 nvme', '0000:00:1d.0 pcieport']);
    expect(top.slaves[0]?.hardware?.[1]).toEqual({
      sysPath: `${PCI}/0000:00:1d.0`,
      modalias: 'pci:v00008086d0000A330sv00008086sd00007270bc06sc04i00',
      driver: 'pcieport',
    });
  });

  it('dm-crypt on a partition', () => {
    const sda = ahciDisk(tree, 0, 'sda', 8, 0);
    const sda3 = tree.partition(sda, 'sda3', '8:3', 3);
    const uuid = 'CRYPT-LUKS2-7d3e1f0a9b2c4d5e8f6a1b2c3d4e5f60-luks-7d3e1f0a-9b2c-4d5e-8f6a-1b2c3d4e5f60';
    tree.dm('dm-0', '254:0', { uuid, name: 'luks-7d3e1f0a-9b2c-4d5e-8f6a-1b2c3d4e5f60' }, [sda3]);
    const top = blockStackOf(tree.host(), '254:0');
    expect(shape(top)).toBe('dm-0(dm-crypt)[sda3(partition)[sda(disk)]]');
    expect(top).toMatchObject({ dmUuid: uuid, dmName: 'luks-7d3e1f0a-9b2c-4d5e-8f6a-1b2c3d4e5f60', sysPath: '/sys/devices/virtual/block/dm-0' });
    expect(top.hardware).toBeUndefined();
  });

  it('LVM on LUKS on NVMe', () => {
    const p3 = tree.partition(nvmeDisk(tree), 'nvme0n1p3', '259:3', 3);
    const crypt = tree.dm('dm-0', '254:0', { uuid: 'CRYPT-LUKS2-00112233445566778899aabbccddeeff-cryptlvm', name: 'cryptlvm' }, [p3]);
    tree.dm('dm-1', '254:1', { uuid: 'LVM-Xh3k9aQ2bE7rT1yU5iO0pL8mN4vC6zW2sD3fG5hJ7kL9qW1eR3tY5uI7oP9aS2dF', name: 'vg0-root' }, [crypt]);
    const top = blockStackOf(tree.host(), '254:1');
    expect(shape(top)).toBe('dm-1(dm-lvm)[dm-0(dm-crypt)[nvme0n1p3(partition)[nvme0n1(disk)]]]');
    expect(top.dmName).toBe('vg0-root');
  });

  it('md RAID1 over two AHCI disks, each leaf with its own port', () => {
    const sda1 = tree.partition(ahciDisk(tree, 0, 'sda', 8, 0), 'sda1', '8:1', 1);
    const sdb1 = tree.partition(ahciDisk(tree, 1, 'sdb', 8, 16), 'sdb1', '8:17', 1);
    tree.md('md0', '9:0', 'raid1', [sda1, sdb1], '3b1e2a4c-5d6f-7081-92a3-b4c5d6e7f809');
    const top = blockStackOf(tree.host(), '9:0');
    expect(shape(top)).toBe('md0(md)[sda1(partition)[sda(disk)],sdb1(partition)[sdb(disk)]]');
    expect(top).toMatchObject({ mdLevel: 'raid1', mdUuid: '3b1e2a4c-5d6f-7081-92a3-b4c5d6e7f809' });
    expect(top.slaves[1]?.slaves[0]?.hardware?.[0]?.sysPath).toBe(`${AHCI}/ata2/host1/target1:0:0/1:0:0:0`);
  });

  it('a dm device with another uuid prefix is dm-other', () => {
    const sda = ahciDisk(tree, 0, 'sda', 8, 0);
    tree.dm('dm-0', '254:0', { uuid: 'mpath-3600508b400105e210000900000490000', name: 'mpatha' }, [sda]);
    expect(shape(blockStackOf(tree.host(), '254:0'))).toBe('dm-0(dm-other)[sda(disk)]');
  });

  it('a MAJ:MIN sysfs does not know is a DetectError naming /sys/dev/block', () => {
    virtioMachine(tree);
    expect(() => blockStackOf(tree.host(), '8:99')).toThrow(DetectError);
    expect(() => blockStackOf(tree.host(), '8:99')).toThrow(/\/sys\/dev\/block\/8:99/);
  });
});
