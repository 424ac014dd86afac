// Benchmarks of the module database: load + resolve of a generic storage/filesystem set, reading
// .modinfo of every module, and kmod's `modinfo` over the same files for scale. Medians of 5 runs.
// Run alone: npx tsx scripts/bench/kmod.ts KERNEL_ROOT KVER
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FsHost } from '../../src/host/fs-host.js';
import { openKmodDb } from '../../src/kmod/kmod-db.js';
import { readModinfo } from '../../src/kmod/modinfo-reader.js';

export const GENERIC_SET = [
  'virtio_blk', 'virtio_scsi', 'virtio_pci', 'ahci', 'ata_piix', 'sd_mod', 'sr_mod', 'nvme', 'usb_storage', 'uas',
  'xhci_pci', 'ehci_pci', 'ohci_pci', 'uhci_hcd', 'mmc_block', 'sdhci_pci', 'ext4', 'xfs', 'btrfs', 'vfat', 'isofs',
  'squashfs', 'overlay', 'dm_mod', 'dm_crypt', 'raid1', 'raid456', 'md_mod', 'loop', 'crypto-xts', 'crypto-aes',
];

const RUNS = 5;

function _median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function _time(fn: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return Math.round(_median(samples) * 10) / 10;
}

export async function benchKmod(kernelRoot: string, kver: string): Promise<{ name: string; ms: number; note?: string }[]> {
  let modules = 0;
  const loadResolve = _time(() => {
    const db = openKmodDb(new FsHost({ root: kernelRoot }), kver);
    modules = db.resolve(GENERIC_SET).modules.length;
  });
  const db = openKmodDb(new FsHost({ root: kernelRoot }), kver);
  const paths = db.data.dep.entries.map((e) => db.pathOf(e.name) as string);
  let fields = 0;
  const allModinfo = _time(() => {
    const host = new FsHost({ root: kernelRoot });
    fields = 0;
    for (const p of paths) fields += readModinfo(host, p).entries.length;
  });
  const warmHost = new FsHost({ root: kernelRoot });
  for (const p of paths) warmHost.realpath(p);
  const warmModinfo = _time(() => {
    for (const p of paths) readModinfo(warmHost, p);
  });
  const disk = paths.map((p) => join(kernelRoot, p));
  const kmodModinfo = _time(() => {
    for (let i = 0; i < disk.length; i += 1000) execFileSync('modinfo', ['-0', ...disk.slice(i, i + 1000)], { maxBuffer: 1 << 28 });
  });
  return [
    { name: 'kmod: load database + resolve generic storage/fs set', ms: loadResolve, note: `${GENERIC_SET.length} requests → ${modules} modules; aim ≤ 150 ms` },
    { name: 'kmod: read .modinfo of every module', ms: allModinfo, note: `${paths.length} modules, ${fields} fields, a fresh FsHost per run; aim ≤ 300 ms` },
    { name: 'kmod: read .modinfo of every module, Host path cache warm', ms: warmModinfo, note: 'the difference is FsHost.realpath resolving each path' },
    { name: 'kmod: modinfo (kmod) over the same modules', ms: kmodModinfo, note: `${paths.length} modules in batches of 1000, for scale` },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [root, kver] = process.argv.slice(2);
  if (root === undefined || kver === undefined) {
    process.stderr.write('usage: tsx scripts/bench/kmod.ts KERNEL_ROOT KVER\n');
    process.exitCode = 2;
  } else {
    for (const r of await benchKmod(root, kver)) process.stdout.write(`${r.ms.toFixed(1).padStart(8)} ms  ${r.name}${r.note ? ` (${r.note})` : ''}\n`);
  }
}
