// The qemu arguments that attach disks on a given bus: one controller per bus kind, then one
// -drive (backend) plus -device (frontend) per disk. Pure.

export type DiskBus = 'virtio-blk' | 'ahci' | 'virtio-scsi' | 'nvme' | 'usb' | 'ide';
export type Machine = 'q35' | 'pc';

export interface VmDisk {
  file: string;
  bus: DiskBus;
  format?: 'raw' | 'qcow2';
  /** Writes go to a temporary overlay, never to the file (default true: cached disks are shared). */
  snapshot?: boolean;
  /** The serial number the guest sees (by-id links); nvme always gets one (`nvme<N>` by default). */
  serial?: string;
}

const _AHCI_PORTS = 6;
const _IDE_UNITS = 4; // PIIX: two buses, master and slave

export function diskArgs(disks: readonly VmDisk[], machine: Machine): string[] {
  const args: string[] = [];
  const controllers = new Set<DiskBus>();
  const perBus = new Map<DiskBus, number>();
  disks.forEach((disk, index) => {
    const id = `disk${index}`;
    const nth = perBus.get(disk.bus) ?? 0;
    perBus.set(disk.bus, nth + 1);
    if (!controllers.has(disk.bus)) {
      controllers.add(disk.bus);
      args.push(..._controller(disk.bus, machine));
    }
    args.push('-drive', _driveSpec(disk, id), '-device', _deviceSpec(disk, id, nth));
  });
  return args;
}

function _controller(bus: DiskBus, machine: Machine): string[] {
  switch (bus) {
    case 'ahci':
      return ['-device', 'ahci,id=ahci0'];
    case 'virtio-scsi':
      return ['-device', 'virtio-scsi-pci,id=scsi0'];
    case 'usb':
      return ['-device', 'qemu-xhci,id=xhci0'];
    case 'ide':
      // On q35 "IDE" is AHCI; only the i440FX machine has the PIIX IDE controller.
      if (machine !== 'pc') throw new Error(`an 'ide' disk needs machine 'pc' (q35 has no IDE controller)`);
      return [];
    case 'virtio-blk':
    case 'nvme':
      return [];
  }
}

function _driveSpec(disk: VmDisk, id: string): string {
  const snapshot = disk.snapshot ?? true;
  return [`file=${_escape(disk.file)}`, 'if=none', `id=${id}`, `format=${disk.format ?? 'raw'}`, `snapshot=${snapshot ? 'on' : 'off'}`].join(',');
}

function _deviceSpec(disk: VmDisk, id: string, nth: number): string {
  const serial = disk.serial === undefined ? [] : [`serial=${_escape(disk.serial)}`];
  switch (disk.bus) {
    case 'virtio-blk':
      return ['virtio-blk-pci', `drive=${id}`, ...serial].join(',');
    case 'ahci':
      if (nth >= _AHCI_PORTS) throw new Error(`at most ${_AHCI_PORTS} ahci disks`);
      return ['ide-hd', `drive=${id}`, `bus=ahci0.${nth}`, ...serial].join(',');
    case 'ide':
      if (nth >= _IDE_UNITS) throw new Error(`at most ${_IDE_UNITS} ide disks`);
      return ['ide-hd', `drive=${id}`, `bus=ide.${Math.floor(nth / 2)}`, `unit=${nth % 2}`, ...serial].join(',');
    case 'virtio-scsi':
      return ['scsi-hd', `drive=${id}`, 'bus=scsi0.0', ...serial].join(',');
    case 'nvme':
      return ['nvme', `drive=${id}`, `serial=${_escape(disk.serial ?? `nvme${nth}`)}`].join(',');
    case 'usb':
      return ['usb-storage', `drive=${id}`, 'bus=xhci0.0', ...serial].join(',');
  }
}

/** qemu option values escape a comma by doubling it. */
function _escape(value: string): string {
  return value.replaceAll(',', ',,');
}
