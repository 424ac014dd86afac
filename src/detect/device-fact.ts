// The facts of one sysfs device directory: its modalias and the driver (and driver module) bound to it.
import type { Host } from '../host/host.js';
import type { AncestorFact } from './host-facts.js';
import { basename, followLink, readAttr } from './sysfs-attrs.js';

/** modalias, driver and driverModule of the device at real path `sysPath`; absent fields are left out. */
export function readDeviceFact(host: Host, sysPath: string): AncestorFact {
  const fact: AncestorFact = { sysPath };
  const modalias = readAttr(host, `${sysPath}/modalias`);
  if (modalias !== undefined) fact.modalias = modalias;
  const driverDir = followLink(host, sysPath, 'driver');
  if (driverDir !== undefined) {
    fact.driver = basename(driverDir);
    const moduleDir = followLink(host, driverDir, 'module');
    if (moduleDir !== undefined) fact.driverModule = basename(moduleDir);
  }
  return fact;
}

/** True when the fact carries anything a module could be chosen by. */
export function isUsefulFact(fact: AncestorFact): boolean {
  return fact.modalias !== undefined || fact.driver !== undefined;
}
