// The early microcode archive: an uncompressed cpio at the very start of the image, where the x86
// early loader looks for kernel/x86/microcode/<Vendor>.bin before anything is unpacked.
import { posix } from 'node:path';
import type { Host } from '../host/host.js';
import type { PlanEntry } from './plan.js';
import type { PlanBuilder } from './plan-builder.js';

const MICROCODE_DIR = '/kernel/x86/microcode';

interface _Vendor {
  blob: string;
  firmwareDir: string;
  /** Which files of the firmware directory are microcode. */
  accepts: (name: string) => boolean;
  label: string;
}

const VENDORS: readonly _Vendor[] = [
  // Intel names its files family-model-stepping ("06-8e-09"); anything else there is not microcode.
  {
    blob: 'GenuineIntel.bin',
    firmwareDir: 'intel-ucode',
    accepts: (n) => /^[0-9a-f]{2}-[0-9a-f]{2}-[0-9a-f]{2}$/i.test(n),
    label: 'Intel',
  },
  { blob: 'AuthenticAMD.bin', firmwareDir: 'amd-ucode', accepts: (n) => n.endsWith('.bin'), label: 'AMD' },
];

const FIRMWARE_ROOTS = ['/lib/firmware', '/usr/lib/firmware'];

/**
 * Plan entries for the early archive: one blob per vendor, the concatenation of the sysroot's
 * microcode files in byte order of their names. [] when the sysroot has none.
 */
export function microcodeEntries(host: Host): PlanEntry[] {
  const blobs: PlanEntry[] = [];
  for (const vendor of VENDORS) {
    const files = _microcodeFiles(host, vendor);
    if (files.length === 0) continue;
    blobs.push({
      type: 'file',
      path: `${MICROCODE_DIR}/${vendor.blob}`,
      mode: 0o644,
      content: Buffer.concat(files.map((f) => host.readFile(f))),
      reasons: [{ why: `early microcode for ${vendor.label} CPUs (${files.length} files)`, via: posix.dirname(files[0] as string) }],
    });
  }
  if (blobs.length === 0) return [];
  const dirs: PlanEntry[] = ['/kernel', '/kernel/x86', MICROCODE_DIR].map((path) => ({
    type: 'dir',
    path,
    mode: 0o755,
    reasons: [{ why: 'early microcode' }],
  }));
  // Entries in byte order of their paths, as every plan list is.
  return [...dirs, ...blobs.sort((a, b) => _byteOrder(a.path, b.path))];
}

/** Plan the early archive (--early-microcode); a warning when the sysroot has no microcode. */
export function addMicrocode(plan: PlanBuilder, host: Host): void {
  const entries = microcodeEntries(host);
  if (entries.length === 0) plan.warnings.push(`--early-microcode: no intel-ucode or amd-ucode firmware in ${host.root}`);
  for (const e of entries) plan.add(e, true);
}

/** In-root paths of a vendor's microcode files, sorted by name; /lib and /usr/lib merged. */
function _microcodeFiles(host: Host, vendor: _Vendor): string[] {
  const byName = new Map<string, string>();
  const seenDirs = new Set<string>();
  for (const root of FIRMWARE_ROOTS) {
    const dir = `${root}/${vendor.firmwareDir}`;
    if (!host.exists(dir)) continue;
    const real = host.realpath(dir);
    if (seenDirs.has(real)) continue;
    seenDirs.add(real);
    for (const name of host.readdir(dir)) {
      if (!vendor.accepts(name) || byName.has(name)) continue;
      if (host.stat(`${dir}/${name}`)?.isFile()) byName.set(name, `${dir}/${name}`);
    }
  }
  return [...byName.keys()].sort(_byteOrder).map((name) => byName.get(name) as string);
}

function _byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

