// A ModuleSource over a tiny kernel: a handful of real aliases (fnmatch patterns, as in
// modules.alias), depends and built-ins of the Debian 6.1 kernel. Enough for the hand-made machines.
import type { ModuleRequest, ModuleResolution, ModuleSource, ResolvedModuleFile } from '../../../src/kmod/module-source.js';

export const FAKE_KVER = '6.1.0-56-amd64';

const ALIASES: [pattern: string, module: string][] = [
  ['pci:v00001AF4d*sv*sd*bc*sc*i*', 'virtio_pci'],
  ['virtio:d00000002v*', 'virtio_blk'],
  ['virtio:d00000008v*', 'virtio_scsi'],
  ['pci:v*d*sv*sd*bc01sc06i01*', 'ahci'],
  ['scsi:t-0x00*', 'sd_mod'],
  ['pci:v*d*sv*sd*bc01sc08i02*', 'nvme'],
  ['pci:v*d*sv*sd*bc0Csc03i30*', 'xhci_pci'],
  ['usb:v*p*d*dc*dsc*dp*ic03isc*ip*in*', 'usbhid'],
  ['hid:b*g*v*p*', 'hid_generic'],
  // atkbd is built in without aliases (as in Debian's kernel): an AT keyboard's modalias finds only serio_raw
  ['serio:ty06pr*id*ex*', 'serio_raw'],
  ['serio:ty01pr*id*ex*', 'serio_raw'],
  ['serio:ty01pr*id*ex*', 'psmouse'],
  ['virtio:d00000001v*', 'virtio_net'],
  ['pci:v00008086d000010D3sv*sd*bc*sc*i*', 'e1000e'],
  ['fs-ext4', 'ext4'],
  ['fs-btrfs', 'btrfs'],
];

const DEPENDS: Record<string, string[]> = {
  virtio_blk: ['virtio', 'virtio_ring'],
  virtio_pci: ['virtio', 'virtio_ring'],
  virtio_scsi: ['virtio', 'virtio_ring', 'scsi_mod'],
  sd_mod: ['scsi_mod'],
  ahci: ['libahci', 'libata'],
  libata: ['scsi_mod'],
  nvme: ['nvme_core'],
  xhci_pci: ['xhci_hcd'],
  xhci_hcd: ['usbcore'],
  usbhid: ['hid', 'usbcore'],
  hid_generic: ['hid'],
  ext4: ['jbd2', 'mbcache', 'crc16'],
  btrfs: ['libcrc32c'],
  dm_crypt: ['dm_mod'],
  raid1: ['md_mod'],
  raid456: ['md_mod'],
};

const BUILTIN = new Set(['atkbd', 'i8042', 'pcieport']);
const MODULES = new Set([...ALIASES.map(([, m]) => m), ...Object.keys(DEPENDS), ...Object.values(DEPENDS).flat(), 'dm_mod', 'md_mod']);

function _fnmatch(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${re}$`).test(text);
}

export function fakeModuleSource(opts: { builtin?: string[] } = {}): ModuleSource {
  const builtin = new Set([...BUILTIN, ...(opts.builtin ?? [])]);
  const resolveAlias = (alias: string): string[] => {
    const name = alias.replace(/-/g, '_');
    if (MODULES.has(name) || builtin.has(name)) return [name];
    return [...new Set(ALIASES.filter(([p]) => _fnmatch(p, alias)).map(([, m]) => m))];
  };
  return {
    kver: FAKE_KVER,
    resolveAlias,
    isBuiltin: (name) => builtin.has(name),
    async resolve(requests: ModuleRequest[], omit: string[]): Promise<ModuleResolution> {
      const chosen = new Map<string, ResolvedModuleFile>();
      const found = new Set<string>();
      const add = (name: string, why: string): void => {
        if (omit.includes(name)) return;
        if (builtin.has(name)) {
          found.add(name);
          return;
        }
        for (const dep of DEPENDS[name] ?? []) add(dep, `depends of ${name} ← ${why}`);
        const have = chosen.get(name);
        if (have) {
          if (!have.reasons.includes(why)) have.reasons.push(why);
          return;
        }
        chosen.set(name, { name, relPath: `kernel/${name}.ko`, diskPath: `/nonexistent/${name}.ko`, reasons: [why] });
      };
      for (const r of requests) {
        const names = resolveAlias(r.name);
        if (names.length === 0 && !r.optional) throw new Error(`module ${r.name} not found (${r.why})`);
        for (const n of names) add(n, r.why);
      }
      return { modules: [...chosen.values()], firmware: [], builtin: [...found].sort(), warnings: [], notes: [] };
    },
    subsetFiles: () => new Map(),
  };
}
