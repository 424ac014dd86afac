// Every device under /sys/devices that announces a modalias. The walk descends only into real
// directories: sysfs links (subsystem, driver, device, firmware_node, ...) form loops.
import { DetectError } from '../errors.js';
import type { Host } from '../host/host.js';
import { readDeviceFact } from './device-fact.js';
import type { DeviceFact } from './host-facts.js';
import { isRealDirectory } from './sysfs-attrs.js';

// Names that are never a child device, skipped without an lstat: the per-device PM attribute group
// (present in nearly every device dir, with a dozen files), the attributes every device has, and the
// attribute folders of block devices (queue, mq, trace, holders, slaves, integrity), network devices
// (queues, statistics) and PCI interrupts (msi_irqs).
const _NEVER_A_DEVICE = new Set(['modalias', 'power', 'uevent', 'subsystem', 'driver', 'dev', 'queue', 'mq', 'trace', 'holders', 'slaves', 'integrity', 'queues', 'statistics', 'msi_irqs']);

// Whole subtrees without a single modalias, and large: one folder per memory block (thousands on a
// big machine: 128 MiB blocks) and one per virtual terminal.
const _NO_MODALIAS_BELOW = new Set(['/sys/devices/system/memory', '/sys/devices/virtual/tty']);

export function findModaliasDevices(host: Host): DeviceFact[] {
  if (!isRealDirectory(host, '/sys/devices'))
    throw new DetectError(
      `/sys/devices: not found (mount sysfs on /sys, or pass --sysfs DIR with a captured tree)`,
      '/sys/devices',
    );
  const found: DeviceFact[] = [];
  const pending = ['/sys/devices'];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    const entries = host.readdirEntries(dir);
    if (entries.some((e) => e.name === 'modalias')) _collect(host, dir, found);
    for (const e of entries) {
      if (!e.isDir || _NEVER_A_DEVICE.has(e.name)) continue;
      const child = `${dir}/${e.name}`;
      if (!_NO_MODALIAS_BELOW.has(child)) pending.push(child);
    }
  }
  return found.sort((a, b) => (a.sysPath < b.sysPath ? -1 : a.sysPath > b.sysPath ? 1 : 0));
}

function _collect(host: Host, dir: string, found: DeviceFact[]): void {
  const fact = readDeviceFact(host, dir);
  if (fact.modalias === undefined) return;
  found.push({ ...fact, modalias: fact.modalias });
}
