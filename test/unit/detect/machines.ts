// Hand-made machines for the detection tests: the sysfs shapes of real hardware (paths and links as
// the kernel makes them), each with a mountinfo that puts / on the device under test.
import type { SysfsTree } from '../../support/sysfs-tree.js';

export const PCI = '/sys/devices/pci0000:00';

/** Common to all: a host bridge without driver, a mountinfo with /proc and /sys, a cmdline. */
export function baseMachine(tree: SysfsTree, rootLine: string, extraMounts: string[] = []): void {
  tree.device(PCI);
  tree.device(`${PCI}/0000:00:00.0`, { modalias: 'pci:v00008086d000029C0sv00001AF4sd00001100bc06sc00i00', subsystem: 'pci' });
  tree.mountinfo([
    '22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
    '23 28 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw',
    rootLine,
    '25 28 0:5 / /dev rw,nosuid,relatime shared:8 - devtmpfs udev rw,size=4000k,nr_inodes=1000,mode=755',
    ...extraMounts,
  ]);
  tree.file('/proc/cmdline', 'BOOT_IMAGE=/vmlinuz root=UUID=0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7 ro quiet\n');
  tree.file('/proc/sys/kernel/osrelease', '6.1.0-56-amd64\n');
}

/** virtio-blk: 0000:00:04.0 (virtio-pci) → virtio2 (virtio_blk) → vda → vda1 (254:1). */
export function virtioMachine(tree: SysfsTree): { vda: string; vda1: string } {
  const pciDev = `${PCI}/0000:00:04.0`;
  tree.device(pciDev, {
    modalias: 'pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00',
    driver: { bus: 'pci', name: 'virtio-pci', module: 'virtio_pci' },
  });
  tree.device(`${pciDev}/virtio2`, {
    modalias: 'virtio:d00000002v00001AF4',
    driver: { bus: 'virtio', name: 'virtio_blk', module: 'virtio_blk' },
  });
  const vda = tree.blockDisk(`${pciDev}/virtio2`, 'vda', '254:0');
  const vda1 = tree.partition(vda, 'vda1', '254:1', 1);
  baseMachine(tree, '26 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro');
  return { vda, vda1 };
}

export const AHCI = `${PCI}/0000:00:1f.2`;

/** AHCI: 0000:00:1f.2 (ahci) → ata<N>/host<N>/target<N>:0:0/<N>:0:0:0 (sd) → sd<x>. */
export function ahciDisk(tree: SysfsTree, port: number, name: string, major: number, firstMinor: number): string {
  if (!tree.host().exists(AHCI))
    tree.device(AHCI, {
      modalias: 'pci:v00008086d00002922sv00001AF4sd00001100bc01sc06i01',
      driver: { bus: 'pci', name: 'ahci', module: 'ahci' },
    });
  const ata = `${AHCI}/ata${port + 1}`;
  tree.device(ata);
  tree.device(`${ata}/host${port}`, { subsystem: 'scsi' });
  tree.device(`${ata}/host${port}/target${port}:0:0`, { subsystem: 'scsi' });
  const lun = `${ata}/host${port}/target${port}:0:0/${port}:0:0:0`;
  tree.device(lun, { modalias: 'scsi:t-0x00', driver: { bus: 'scsi', name: 'sd', module: 'sd_mod' } });
  return tree.blockDisk(lun, name, `${major}:${firstMinor}`);
}

/** NVMe behind a PCIe root port: 0000:00:1d.0 (pcieport, built in) → 0000:3d:00.0 (nvme) → nvme0 → nvme0n1. */
export function nvmeDisk(tree: SysfsTree): string {
  const bridge = `${PCI}/0000:00:1d.0`;
  tree.device(bridge, {
    modalias: 'pci:v00008086d0000A330sv00008086sd00007270bc06sc04i00',
    driver: { bus: 'pci', name: 'pcieport' },
  });
  const ctrl = `${bridge}/0000:3d:00.0`;
  tree.device(ctrl, {
    modalias: 'pci:v0000144Dd0000A808sv0000144Dsd0000A801bc01sc08i02',
    driver: { bus: 'pci', name: 'nvme', module: 'nvme' },
  });
  tree.device(`${ctrl}/nvme/nvme0`, { subsystem: 'nvme' });
  return tree.blockDisk(`${ctrl}/nvme/nvme0`, 'nvme0n1', '259:0', { blockDir: false });
}

// Real keyboards' capability bitmaps (64-bit words, most significant first).
export const USB_KEYBOARD = { ev: '120013', key: '1000000000007 ff800000000007ff febeffdfffefffff fffffffffffffffe' };
export const PS2_KEYBOARD = { ev: '120013', key: '402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe' };
export const POWER_BUTTON = { ev: '3', key: '10000000000000 0' };
export const MOUSE = { ev: '17', key: '1f0000 0 0 0 0' };

/** A USB keyboard on xhci: usb1/1-1/1-1:1.0 (usbhid) → 0003:046D:C31C.0001 (hid-generic) → input3. */
export function usbKeyboard(tree: SysfsTree): string {
  const xhci = `${PCI}/0000:00:14.0`;
  tree.device(xhci, {
    modalias: 'pci:v00008086d0000A36Dsv00001028sd0000085Cbc0Csc03i30',
    driver: { bus: 'pci', name: 'xhci_hcd', module: 'xhci_pci' },
  });
  tree.device(`${xhci}/usb1`, {
    modalias: 'usb:v1D6Bp0002d0601dc09dsc00dp01ic09isc00ip00in00',
    driver: { bus: 'usb', name: 'usb' },
  });
  tree.device(`${xhci}/usb1/1-1`, { driver: { bus: 'usb', name: 'usb' } });
  const intf = `${xhci}/usb1/1-1/1-1:1.0`;
  tree.device(intf, {
    modalias: 'usb:v046DpC31Cd6400dc00dsc00dp00ic03isc01ip01in00',
    driver: { bus: 'usb', name: 'usbhid', module: 'usbhid' },
  });
  const hid = `${intf}/0003:046D:C31C.0001`;
  tree.device(hid, { modalias: 'hid:b0003g0001v0000046Dp0000C31C', driver: { bus: 'hid', name: 'hid-generic', module: 'hid_generic' } });
  return tree.input(hid, 'input3', { name: 'Logitech USB Keyboard', ...USB_KEYBOARD, modalias: 'input:b0003v046DpC31Ce0110-e0,1,4,11,14,k71,72,ram4,l0,1,2,sfw' });
}

/** A PS/2 keyboard: i8042 (platform) → serio0 (atkbd) → input0; plus a power button and a mouse. */
export function ps2KeyboardAndOthers(tree: SysfsTree): string {
  tree.device('/sys/devices/platform/i8042', { modalias: 'platform:i8042', driver: { bus: 'platform', name: 'i8042' } });
  const serio = '/sys/devices/platform/i8042/serio0';
  tree.device(serio, { modalias: 'serio:ty06pr00id00ex00', driver: { bus: 'serio', name: 'atkbd' } });
  const kbd = tree.input(serio, 'input0', { name: 'AT Translated Set 2 keyboard', ...PS2_KEYBOARD });
  tree.device('/sys/devices/LNXSYSTM:00/LNXPWRBN:00', { modalias: 'acpi:LNXPWRBN:', driver: { bus: 'acpi', name: 'button' } });
  tree.input('/sys/devices/LNXSYSTM:00/LNXPWRBN:00', 'input1', { name: 'Power Button', ...POWER_BUTTON });
  tree.device('/sys/devices/platform/i8042/serio1', { modalias: 'serio:ty01pr00id00ex00', driver: { bus: 'serio', name: 'psmouse', module: 'psmouse' } });
  tree.input('/sys/devices/platform/i8042/serio1', 'input2', { name: 'ImPS/2 Generic Wheel Mouse', ...MOUSE });
  return kbd;
}

/** A virtio-net NIC: 0000:00:03.0 (virtio-pci) → virtio1 (virtio_net) → eth0 (up), and a second NIC
 *  0000:00:05.0 (e1000e) → eth1 (up); /proc/net/route sends 10.0.0.0/24 through eth0, the rest via eth1. */
export function twoNicMachine(tree: SysfsTree): void {
  const virtio = `${PCI}/0000:00:03.0`;
  tree.device(virtio, { modalias: 'pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00', driver: { bus: 'pci', name: 'virtio-pci', module: 'virtio_pci' } });
  tree.device(`${virtio}/virtio1`, { modalias: 'virtio:d00000001v00001AF4', driver: { bus: 'virtio', name: 'virtio_net', module: 'virtio_net' } });
  const e1000e = `${PCI}/0000:00:05.0`;
  tree.device(e1000e, { modalias: 'pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00', driver: { bus: 'pci', name: 'e1000e', module: 'e1000e' } });
  for (const [name, dev, mac] of [['eth0', `${virtio}/virtio1`, '52:54:00:0f:00:02'], ['eth1', e1000e, '52:54:00:0f:00:03']] as const) {
    const net = `${dev}/net/${name}`;
    tree.file(`${net}/operstate`, 'up\n').file(`${net}/address`, `${mac}\n`).link(`${net}/device`, dev).link(`/sys/class/net/${name}`, net);
  }
  tree.file('/sys/devices/virtual/net/lo/operstate', 'unknown\n').link('/sys/class/net/lo', '/sys/devices/virtual/net/lo');
  tree.file(
    '/proc/net/route',
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
      'eth1\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
      'eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n' +
      'eth1\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n',
  );
}
