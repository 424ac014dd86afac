import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_RECORD, hostOnlyInputsFromFacts, type HostOnlyInputs } from '../../../src/hostonly/host-only-inputs.js';
import type { ModuleRequest } from '../../../src/kmod/module-source.js';
import { detectHost } from '../../../src/detect/detect-host.js';
import { parseHostRecord } from '../../../src/hostonly/compare-host.js';
import { SysfsTree, writeAt } from '../../support/sysfs-tree.js';
import { ext4Image, luksImage, mdImage } from '../detect/identity/superblock-bytes.js';
import { ahciDisk, baseMachine, nvmeDisk, PS2_KEYBOARD, ps2KeyboardAndOthers, twoNicMachine, usbKeyboard, virtioMachine } from '../detect/machines.js';
import { FAKE_KVER, fakeModuleSource } from './fake-module-source.js';

const FS_UUID = '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7';
const LUKS_UUID = '7d3e1f0a-9b2c-4d5e-8f6a-1b2c3d4e5f60';
const MD_UUID = '3b1e2a4c-5d6f-7081-92a3-b4c5d6e7f809';
const ROOT = `/ (ext4 UUID=${FS_UUID})`;

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

const names = (inputs: HostOnlyInputs): string[] => [...new Set(inputs.modules.map((m) => m.name))].sort();
const request = (inputs: HostOnlyInputs, name: string): ModuleRequest[] => inputs.modules.filter((m) => m.name === name);
/** What the image would load: every request resolved (with depends) through the fake kernel. */
const resolved = async (inputs: HostOnlyInputs): Promise<string[]> =>
  (await fakeModuleSource().resolve(inputs.modules, [])).modules.map((m) => m.name).sort();

describe('hostOnlyInputsFromFacts', () => {
  it('a root on NFS: the nfs feature, root=nfs4:SERVER:/PATH:OPTIONS embedded, the NFS client by its fs- alias', () => {
    virtioMachine(tree);
    tree.file('/proc/4242/mountinfo', '50 1 0:52 / / rw,relatime - nfs4 10.0.0.1:/export/root rw,vers=4.2,hard,proto=tcp,sec=sys,clientaddr=10.0.0.5,addr=10.0.0.1\n');
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());
    expect(inputs.features).toEqual(['nfs']);
    expect(inputs.cmdline).toBe('root=nfs4:10.0.0.1:/export/root:vers=4.2,hard,proto=tcp,sec=sys');
    expect(request(inputs, 'fs-nfs4')).toEqual([{ name: 'fs-nfs4', why: 'file system of / (nfs4 10.0.0.1:/export/root)', optional: false }]);
    tree.file('/proc/4242/mountinfo', '50 1 0:52 / / rw,relatime - nfs nfs.example.org:/srv/root rw,vers=3,mountport=20048,addr=10.0.0.1\n');
    expect(hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource()).cmdline).toBe('root=nfs:nfs.example.org:/srv/root:vers=3');
  });

  it('a root on NFS: the drivers of the interface that reaches the server, with the chain that explains them', () => {
    twoNicMachine(tree);
    baseMachine(tree, '50 1 0:52 / / rw - nfs 10.0.0.1:/srv/root rw,vers=3,proto=tcp,addr=10.0.0.1');
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());
    expect(request(inputs, 'virtio_net').map((r) => r.why)).toContain(
      `driver virtio_net of ${'/sys/devices/pci0000:00'}/0000:00:03.0/virtio1 ← interface eth0 ← route to 10.0.0.1 ← / (nfs 10.0.0.1:/srv/root)`,
    );
    expect(request(inputs, 'virtio_pci').length).toBeGreaterThan(0);
    expect(request(inputs, 'e1000e')).toEqual([]);
  });

  it('dm-crypt on an AHCI partition: crypt, dm_crypt required, the disk drivers by modalias, rd.luks.uuid of the LUKS partition', async () => {
    const sda3 = tree.partition(ahciDisk(tree, 0, 'sda', 8, 0), 'sda3', '8:3', 3);
    tree.dm('dm-0', '254:0', { uuid: `CRYPT-LUKS2-${LUKS_UUID.replace(/-/g, '')}-cryptroot`, name: 'cryptroot' }, [sda3]);
    baseMachine(tree, '26 1 254:0 / / rw,relatime - ext4 /dev/mapper/cryptroot rw');
    tree.file('/dev/sda3', luksImage(2, LUKS_UUID));
    tree.file('/dev/dm-0', ext4Image({ uuid: FS_UUID, label: 'root' }));
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());

    expect(inputs.features).toEqual(['crypt']);
    expect(inputs.cmdline).toBe(`root=UUID=${FS_UUID} rootfstype=ext4 rd.luks.uuid=${LUKS_UUID}`);
    expect(names(inputs)).toEqual(['ahci', 'dm_crypt', 'fs-ext4', 'sd_mod']);
    expect(request(inputs, 'dm_crypt')).toEqual([{ name: 'dm_crypt', why: `dm-crypt cryptroot ← dm-0 ← ${ROOT}`, optional: false }]);
    expect(request(inputs, 'fs-ext4')).toEqual([{ name: 'fs-ext4', why: `file system of ${ROOT}`, optional: false }]);
    // The chain names the device, the disk and the stack above it, up to the mount.
    expect(request(inputs, 'ahci').map((r) => r.why)).toContain(
      `modalias pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01 of /sys/devices/pci0000:00/0000:00:1f.2 ← disk sda ← sda3 ← dm-0 ← ${ROOT}`,
    );
    expect(await resolved(inputs)).toEqual(['ahci', 'crc16', 'dm_crypt', 'dm_mod', 'ext4', 'jbd2', 'libahci', 'libata', 'mbcache', 'scsi_mod', 'sd_mod']);
  });

  it('LVM on LUKS on NVMe: crypt + lvm, dm_mod and dm_crypt, nvme by the controller modalias (nvme_core comes as its dependency)', async () => {
    const p3 = tree.partition(nvmeDisk(tree), 'nvme0n1p3', '259:3', 3);
    const crypt = tree.dm('dm-0', '254:0', { uuid: `CRYPT-LUKS2-${LUKS_UUID.replace(/-/g, '')}-cryptlvm`, name: 'cryptlvm' }, [p3]);
    tree.dm('dm-1', '254:1', { uuid: 'LVM-Xh3k9aQ2bE7rT1yU5iO0pL8mN4vC6zW2sD3fG5hJ7kL9qW1eR3tY5uI7oP9aS2dF', name: 'vg0-root' }, [crypt]);
    baseMachine(tree, '26 1 254:1 / / rw,relatime - ext4 /dev/mapper/vg0-root rw');
    tree.file('/dev/nvme0n1p3', luksImage(2, LUKS_UUID));
    tree.file('/dev/dm-1', ext4Image({ uuid: FS_UUID, label: 'root' }));
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());

    expect(inputs.features).toEqual(['crypt', 'lvm']);
    expect(inputs.cmdline).toBe(`root=UUID=${FS_UUID} rootfstype=ext4 rd.luks.uuid=${LUKS_UUID}`);
    expect(names(inputs)).toEqual(['dm_crypt', 'dm_mod', 'fs-ext4', 'nvme']);
    expect(request(inputs, 'dm_mod')).toEqual([{ name: 'dm_mod', why: `LVM volume vg0-root ← dm-1 ← ${ROOT}`, optional: false }]);
    expect(request(inputs, 'dm_crypt')[0]?.why).toBe(`dm-crypt cryptlvm ← dm-0 ← dm-1 ← ${ROOT}`);
    expect(request(inputs, 'nvme').map((r) => r.why)).toEqual([
      `modalias pci:v0000144Dd0000A808sv0000144Dsd0000A801bc01sc08i02 of /sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0 ← disk nvme0n1 ← nvme0n1p3 ← dm-0 ← dm-1 ← ${ROOT}`,
      `driver nvme of /sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0 ← disk nvme0n1 ← nvme0n1p3 ← dm-0 ← dm-1 ← ${ROOT}`,
    ]);
    // The PCIe root port's driver is built in and no module of the target claims it: nothing for it.
    expect(inputs.modules.some((m) => m.why.includes('0000:00:1d.0 ←'))).toBe(false);
    expect(await resolved(inputs)).toEqual(['crc16', 'dm_crypt', 'dm_mod', 'ext4', 'jbd2', 'mbcache', 'nvme', 'nvme_core']);
  });

  it('md RAID1 over two AHCI disks: mdraid, md_mod + raid1 required, rd.md.uuid, both members walked', async () => {
    const sda1 = tree.partition(ahciDisk(tree, 0, 'sda', 8, 0), 'sda1', '8:1', 1);
    const sdb1 = tree.partition(ahciDisk(tree, 1, 'sdb', 8, 16), 'sdb1', '8:17', 1);
    tree.md('md0', '9:0', 'raid1', [sda1, sdb1], MD_UUID);
    baseMachine(tree, '26 1 9:0 / / rw,relatime - ext4 /dev/md0 rw');
    writeAt(tree.disk('/dev/sda1'), 0, mdImage({ size: 1 << 20, at: 4096, arrayUuid: MD_UUID, name: 'host:0', devUuid: LUKS_UUID }));
    tree.file('/dev/md0', ext4Image({ uuid: FS_UUID, label: 'root' }));
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());

    expect(inputs.features).toEqual(['mdraid']);
    expect(inputs.cmdline).toBe(`root=UUID=${FS_UUID} rootfstype=ext4 rd.md.uuid=${MD_UUID}`);
    expect(names(inputs)).toEqual(['ahci', 'fs-ext4', 'md_mod', 'raid1', 'sd_mod']);
    expect(request(inputs, 'raid1')).toEqual([{ name: 'raid1', why: `md array md0 (raid1) ← md0 ← ${ROOT}`, optional: false }]);
    expect(request(inputs, 'md_mod')[0]?.optional).toBe(false);
    const sdMod = request(inputs, 'sd_mod').map((r) => r.why);
    expect(sdMod.some((w) => w.endsWith(`← disk sda ← sda1 ← md0 ← ${ROOT}`))).toBe(true);
    expect(sdMod.some((w) => w.endsWith(`← disk sdb ← sdb1 ← md0 ← ${ROOT}`))).toBe(true);
  });

  it('a driver built into the running kernel is still found through the target kernel\'s aliases', () => {
    // This host's ahci is built in (a driver link, no module link): only the modalias can name it.
    tree.device('/sys/devices/pci0000:00/0000:00:1f.2', {
      modalias: 'pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01',
      driver: { bus: 'pci', name: 'ahci' },
    });
    tree.partition(ahciDisk(tree, 0, 'sda', 8, 0), 'sda1', '8:1', 1);
    baseMachine(tree, '26 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw');
    tree.file('/dev/sda1', ext4Image({ uuid: FS_UUID, label: 'root' }));
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());
    expect(names(inputs)).toContain('ahci');
    expect(request(inputs, 'ahci').map((r) => r.why)).toEqual([
      `modalias pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01 of /sys/devices/pci0000:00/0000:00:1f.2 ← disk sda ← sda1 ← ${ROOT}`,
    ]);
  });

  it('keyboards: the USB keyboard\'s whole chain (hid_generic, usbhid, xhci_pci); the PS/2 one is served by built-in atkbd, not serio_raw', () => {
    virtioMachine(tree);
    tree.file('/dev/vda1', ext4Image({ uuid: FS_UUID, label: 'root' }));
    usbKeyboard(tree);
    ps2KeyboardAndOthers(tree);
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());
    // serio:ty06pr00id00ex00 resolves to serio_raw only; the bound driver (atkbd) is built into the target.
    expect(names(inputs)).toEqual(['fs-ext4', 'hid_generic', 'usbhid', 'virtio_blk', 'virtio_pci', 'xhci_pci']);
    for (const m of ['hid_generic', 'usbhid', 'xhci_pci']) for (const r of request(inputs, m)) expect(r.why).toMatch(/ ← keyboard Logitech USB Keyboard$/);
    expect(inputs.modules.some((m) => /Mouse|Power Button/.test(m.why))).toBe(false);
    expect(inputs.features).toEqual([]);
    expect(inputs.cmdline).toBe(`root=UUID=${FS_UUID} rootfstype=ext4`);
  });

  it('a bound driver the target has neither as a candidate nor built in narrows nothing: every module of the modalias', async () => {
    virtioMachine(tree);
    tree.file('/dev/vda1', ext4Image({ uuid: FS_UUID, label: 'root' }));
    tree.device('/sys/devices/platform/i8042', { modalias: 'platform:i8042', driver: { bus: 'platform', name: 'i8042' } });
    const serio = '/sys/devices/platform/i8042/serio0';
    tree.device(serio, { modalias: 'serio:ty01pr00id00ex00', driver: { bus: 'serio', name: 'vendorkbd', module: 'vendorkbd' } });
    tree.input(serio, 'input0', { name: 'Vendor keyboard', ...PS2_KEYBOARD });
    const inputs = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource());
    expect(names(inputs)).toEqual(expect.arrayContaining(['psmouse', 'serio_raw', 'vendorkbd']));
    expect(request(inputs, 'psmouse')[0]?.why).toBe(`modalias serio:ty01pr00id00ex00 of ${serio} ← keyboard Vendor keyboard`);
  });

  it('no UUID known: root= names the device; the host record holds kver, cmdline and facts and parses back', async () => {
    virtioMachine(tree);
    const facts = detectHost(tree.host());
    const inputs = hostOnlyInputsFromFacts(facts, fakeModuleSource());
    expect(inputs.cmdline).toBe('root=/dev/vda1 rootfstype=ext4');
    expect(inputs.files.map((f) => f.path)).toEqual([HOST_RECORD]);
    const record = parseHostRecord(inputs.files[0]?.content ?? '', 'test.img');
    expect(record).toEqual({ format: 1, kver: FAKE_KVER, cmdline: inputs.cmdline, facts });
  });
});
