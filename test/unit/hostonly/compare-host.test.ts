import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostOnlyInputsFromFacts } from '../../../src/hostonly/host-only-inputs.js';
import { detectHost } from '../../../src/detect/detect-host.js';
import type { HostFacts } from '../../../src/detect/host-facts.js';
import { BadImageError } from '../../../src/errors.js';
import { checkHost, parseHostRecord, type HostRecord } from '../../../src/hostonly/compare-host.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { ext4Image } from '../detect/identity/superblock-bytes.js';
import { baseMachine, PCI, usbKeyboard, virtioMachine } from '../detect/machines.js';
import { fakeModuleSource } from './fake-module-source.js';

const FS_UUID = '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7';
const VSCSI_PCI = 'pci:v00001AF4d00001004sv00001AF4sd00000008bc01sc00i00';

let trees: SysfsTree[] = [];
beforeEach(() => {
  trees = [];
});
afterEach(() => {
  for (const t of trees) t.cleanup();
});

function machine(build: (tree: SysfsTree) => void): HostFacts {
  const tree = SysfsTree.create();
  trees.push(tree);
  build(tree);
  return detectHost(tree.host());
}

/** The virtio-blk machine: / on vda1. */
function virtioBlk(tree: SysfsTree, uuid = FS_UUID): void {
  virtioMachine(tree);
  tree.file('/dev/vda1', ext4Image({ uuid, label: 'root' }));
}

/** The same root moved to virtio-scsi: 0000:00:05.0 (virtio-pci) → virtio3 (virtio_scsi) → SCSI disk sda → sda1. */
function virtioScsi(tree: SysfsTree): void {
  const pciDev = `${PCI}/0000:00:05.0`;
  tree.device(pciDev, { modalias: VSCSI_PCI, driver: { bus: 'pci', name: 'virtio-pci', module: 'virtio_pci' } });
  tree.device(`${pciDev}/virtio3`, { modalias: 'virtio:d00000008v00001AF4', driver: { bus: 'virtio', name: 'virtio_scsi', module: 'virtio_scsi' } });
  tree.device(`${pciDev}/virtio3/host0`, { subsystem: 'scsi' });
  tree.device(`${pciDev}/virtio3/host0/target0:0:0`, { subsystem: 'scsi' });
  const lun = `${pciDev}/virtio3/host0/target0:0:0/0:0:0:0`;
  tree.device(lun, { modalias: 'scsi:t-0x00', driver: { bus: 'scsi', name: 'sd', module: 'sd_mod' } });
  const sda = tree.blockDisk(lun, 'sda', '8:0');
  tree.partition(sda, 'sda1', '8:1', 1);
  baseMachine(tree, '26 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw');
  tree.file('/dev/sda1', ext4Image({ uuid: FS_UUID, label: 'root' }));
}

/** The record a host-only build for `facts` embeds, and the modules that image holds. */
async function imageFor(facts: HostFacts): Promise<{ record: HostRecord; modules: Set<string> }> {
  const source = fakeModuleSource();
  const inputs = hostOnlyInputsFromFacts(facts, source);
  const record = parseHostRecord(inputs.files[0]?.content ?? '', 'test.img');
  return { record, modules: new Set((await source.resolve(inputs.modules, [])).modules.map((m) => m.name)) };
}

describe('checkHost', () => {
  it('the machine the image was built on: no new devices, nothing lacking, root unchanged', async () => {
    const facts = machine((t) => virtioBlk(t));
    const { record, modules } = await imageFor(facts);
    expect(await checkHost(record, machine((t) => virtioBlk(t)), modules, fakeModuleSource())).toEqual({ newDevices: [], lacking: [] });
  });

  it('the root moved to virtio-scsi: the new controller, its virtio device and the SCSI disk are new; virtio_scsi and sd_mod are lacking, with the chain', async () => {
    const { record, modules } = await imageFor(machine((t) => virtioBlk(t)));
    const now = machine(virtioScsi);
    const check = await checkHost(record, now, modules, fakeModuleSource());
    expect(check.newDevices).toEqual(expect.arrayContaining([VSCSI_PCI, 'virtio:d00000008v00001AF4', 'scsi:t-0x00']));
    expect(check.newDevices).not.toContain('virtio:d00000002v00001AF4');
    expect(check.lacking.map((l) => l.module).sort()).toEqual(['scsi_mod', 'sd_mod', 'virtio_scsi']);
    expect(check.lacking.find((l) => l.module === 'virtio_scsi')?.why).toBe(
      `modalias virtio:d00000008v00001AF4 of ${PCI}/0000:00:05.0/virtio3 ← disk sda ← sda1 ← / (ext4 UUID=${FS_UUID})`,
    );
    expect(check.lacking.find((l) => l.module === 'scsi_mod')?.why).toMatch(/^depends of /);
    expect(check.rootChanged).toBeUndefined(); // same file system, other hardware
  });

  it('a USB keyboard plugged in since: its drivers are lacking (a passphrase could not be typed)', async () => {
    const { record, modules } = await imageFor(machine((t) => virtioBlk(t)));
    const check = await checkHost(record, machine((t) => { virtioBlk(t); usbKeyboard(t); }), modules, fakeModuleSource());
    expect(check.lacking.map((l) => l.module).sort()).toEqual(['hid', 'hid_generic', 'usbcore', 'usbhid', 'xhci_hcd', 'xhci_pci']);
    expect(check.lacking.find((l) => l.module === 'usbhid')?.why).toMatch(/ ← keyboard Logitech USB Keyboard$/);
    expect(check.newDevices).toContain('hid:b0003g0001v0000046Dp0000C31C');
  });

  it('a driver built into the target kernel is never lacking', async () => {
    const { record, modules } = await imageFor(machine((t) => virtioBlk(t)));
    const check = await checkHost(record, machine(virtioScsi), modules, fakeModuleSource({ builtin: ['virtio_scsi', 'sd_mod', 'scsi_mod'] }));
    expect(check.lacking).toEqual([]);
    expect(check.newDevices).toContain(VSCSI_PCI);
  });

  it('another root file system: rootChanged names both UUIDs', async () => {
    const other = '11111111-2222-4333-8444-555555555555';
    const { record, modules } = await imageFor(machine((t) => virtioBlk(t)));
    const check = await checkHost(record, machine((t) => virtioBlk(t, other)), modules, fakeModuleSource());
    expect(check.rootChanged).toBe(`root was ext4 UUID=${FS_UUID}, now ext4 UUID=${other}`);
    expect(check.lacking).toEqual([]);
  });

  it('parseHostRecord: anything but a format-1 record is a BadImageError telling to rebuild', async () => {
    expect(() => parseHostRecord('{"format":2,"kver":"x","facts":{}}', 'old.img')).toThrow(BadImageError);
    expect(() => parseHostRecord('not json', 'old.img')).toThrow(/old\.img: .*host\.json is not a host record .*rebuild the image/);
  });
});
