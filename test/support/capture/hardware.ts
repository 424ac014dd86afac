// The machines the host-only boot tests capture and boot: where the root disk sits, where the
// capture disk sits (serial "capture"; on (b) it is the AHCI data disk), and any other devices.
import type { DiskBus, VmDisk } from '../qemu.js';
import { CAPTURE_SERIAL } from './capture-root.js';

export interface Hardware {
  name: string;
  rootBus: DiskBus;
  /** The bus of the second disk: the capture target while capturing, a blank data disk otherwise. */
  dataBus: DiskBus;
  extraArgs: string[];
}

export const VIRTIO_BLK: Hardware = { name: 'virtio-blk', rootBus: 'virtio-blk', dataBus: 'virtio-blk', extraArgs: [] };
export const AHCI_NVME: Hardware = { name: 'ahci-data+nvme-root', rootBus: 'nvme', dataBus: 'ahci', extraArgs: [] };
export const VIRTIO_SCSI_USB_KBD: Hardware = {
  name: 'virtio-scsi+usb-kbd',
  rootBus: 'virtio-scsi',
  dataBus: 'virtio-scsi',
  extraArgs: ['-device', 'qemu-xhci', '-device', 'usb-kbd'],
};

/** Root first (shared cached file: snapshot), then the data disk (written: no snapshot). */
export function hardwareDisks(hw: Hardware, rootFile: string, dataFile: string): VmDisk[] {
  return [
    { file: rootFile, bus: hw.rootBus, ...(hw.rootBus === 'nvme' ? { serial: 'nvme-root' } : {}) },
    { file: dataFile, bus: hw.dataBus, serial: CAPTURE_SERIAL, snapshot: false },
  ];
}
