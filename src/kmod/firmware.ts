// Firmware files a module asks for (its firmware= names), looked up where the kernel's loader and
// dracut look: /lib/firmware/updates/KVER, /lib/firmware/updates, /lib/firmware/KVER, /lib/firmware,
// then the same under /usr/lib/firmware; plain, .xz or .zst. Missing firmware is a warning: many
// drivers list firmware for hardware variants the machine does not have.
import type { Host } from '../host/host.js';

export interface FirmwareFile {
  /** The module that asked for it. */
  readonly module: string;
  /** The firmware name as the module gives it ("iwlwifi-8000C-36.ucode"). */
  readonly name: string;
  /** In-root path where it was found (may be a symlink). */
  readonly path: string;
  /** In-root path after following symlinks inside the sysroot. */
  readonly realPath: string;
}

export interface FirmwareResolution {
  readonly files: FirmwareFile[];
  readonly warnings: string[];
}

function _firmwareDirs(kver: string): string[] {
  const under = (base: string): string[] => [`${base}/updates/${kver}`, `${base}/updates`, `${base}/${kver}`, base];
  return [...under('/lib/firmware'), ...under('/usr/lib/firmware')];
}

// The kernel tries the plain name in every directory, then .zst, then .xz.
const SUFFIXES = ['', '.zst', '.xz'];

/** Find each module's firmware; `wants` pairs a module name with its firmware= values. */
export function findFirmware(host: Host, kver: string, wants: ReadonlyArray<{ module: string; firmware: readonly string[] }>): FirmwareResolution {
  const dirs = _firmwareDirs(kver);
  const files: FirmwareFile[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const { module, firmware } of wants) {
    for (const name of firmware) {
      if (seen.has(name)) continue;
      seen.add(name);
      const path = _locate(host, dirs, name);
      if (path === undefined) warnings.push(`firmware '${name}' for module ${module} not found in /lib/firmware or /usr/lib/firmware`);
      else files.push({ module, name, path, realPath: host.realpath(path) });
    }
  }
  return { files, warnings };
}

function _locate(host: Host, dirs: readonly string[], name: string): string | undefined {
  if (name.includes('..') || name.startsWith('/')) return undefined;
  for (const suffix of SUFFIXES) {
    for (const dir of dirs) {
      const path = `${dir}/${name}${suffix}`;
      if (host.stat(path)?.isFile()) return path;
    }
  }
  return undefined;
}
