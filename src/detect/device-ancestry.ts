// The chain of devices a device hangs from: its controller, the bus, the bridges above it. Modules
// for all of them are needed at boot (booster and mkinitcpio's autodetect walk up the same way).
import type { Host } from '../host/host.js';
import { isUsefulFact, readDeviceFact } from './device-fact.js';
import type { AncestorFact } from './host-facts.js';
import { parentDir } from './sysfs-attrs.js';

/**
 * Facts of `sysPath` (a real path under /sys/devices) and of each parent up to, not including,
 * /sys/devices — nearest first. Directories with neither a modalias nor a driver are left out.
 */
export function deviceAncestry(host: Host, sysPath: string): AncestorFact[] {
  const chain: AncestorFact[] = [];
  for (let dir = sysPath; dir.startsWith('/sys/devices/'); dir = parentDir(dir)) {
    const fact = readDeviceFact(host, dir);
    if (isUsefulFact(fact)) chain.push(fact);
  }
  return chain;
}
