// check-host: compare what a host-only image was built for with the machine as it is now — new
// devices, a changed root, and the drivers the image would lack to boot it.
import type { HostFacts, MountedFs } from '../detect/host-facts.js';
import { BadImageError } from '../errors.js';
import type { ModuleSource } from '../kmod/module-source.js';
import { hostOnlyInputsFromFacts } from './host-only-inputs.js';

export interface HostRecord {
  format: number;
  kver: string;
  cmdline: string;
  facts: HostFacts;
}

export interface HostCheck {
  /** Modaliases present now that the image was not built for. */
  newDevices: string[];
  /** Drivers this host needs now (root chain, keyboards) that the image does not hold, with why. */
  lacking: { module: string; why: string }[];
  rootChanged?: string;
}

export function parseHostRecord(text: string, image: string): HostRecord {
  try {
    const r = JSON.parse(text) as HostRecord;
    if (r.format !== 1 || typeof r.kver !== 'string' || typeof r.facts !== 'object') throw new Error('unknown format');
    return r;
  } catch (err) {
    throw new BadImageError(`${image}: /etc/mkinitramfs-ts/host.json is not a host record (${(err as Error).message}); rebuild the image`, image);
  }
}

export async function checkHost(record: HostRecord, now: HostFacts, imageModules: ReadonlySet<string>, modules: ModuleSource): Promise<HostCheck> {
  const before = new Set(record.facts.devices.map((d) => d.modalias));
  const newDevices = [...new Set(now.devices.map((d) => d.modalias).filter((m) => !before.has(m)))].sort();
  const wanted = hostOnlyInputsFromFacts(now, modules).modules;
  const res = await modules.resolve(wanted.map((w) => ({ ...w, optional: true })), []);
  const lacking = res.modules
    .filter((m) => !imageModules.has(m.name))
    .map((m) => ({ module: m.name, why: m.reasons[0] ?? '' }));
  const was = _rootId(record.facts.root);
  const is = _rootId(now.root);
  const rootChanged = was !== is ? `root was ${was}, now ${is}` : undefined;
  return { newDevices, lacking, ...(rootChanged ? { rootChanged } : {}) };
}

/** "ext4 UUID=…", or "nfs4 SERVER:/PATH" for a root on NFS. */
function _rootId(root: MountedFs): string {
  if (root.network) return `${root.fstype} ${root.network.server}:${root.network.path}`;
  return `${root.fstype} UUID=${root.device?.identity?.uuid ?? '?'}`;
}
