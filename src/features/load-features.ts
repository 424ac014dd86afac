// Find feature modules: the sysroot's /etc/mkinitramfs-ts/modules.d/<name> shadows
// /usr/lib/mkinitramfs-ts/modules.d/<name>, which shadows the one shipped with mkinitramfs-ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Host } from '../host/host.js';
import { parseManifest, type FeatureManifest } from './manifest.js';

export const BUILTIN_MODULES_D = fileURLToPath(new URL('../../modules.d', import.meta.url));
export const SYSROOT_MODULES_D = ['/etc/mkinitramfs-ts/modules.d', '/usr/lib/mkinitramfs-ts/modules.d'];

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Every available feature by name, the highest-precedence folder winning. */
export function loadFeatures(host: Host, builtinDir = BUILTIN_MODULES_D): Map<string, FeatureManifest> {
  const dirs: string[] = [];
  for (const d of SYSROOT_MODULES_D) if (host.stat(d)?.isDirectory()) dirs.push(host.diskPath(d));
  dirs.push(builtinDir);
  const out = new Map<string, FeatureManifest>();
  for (const base of dirs) {
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      if (out.has(name) || !NAME.test(name)) continue;
      const file = join(base, name, 'module.toml');
      if (!existsSync(file)) continue;
      out.set(name, parseManifest(readFileSync(file, 'utf8'), name, join(base, name), file));
    }
  }
  return out;
}
