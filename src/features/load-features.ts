// Find feature modules: the sysroot's /etc/mkinitramfs-ts/modules.d/<name> shadows
// /usr/lib/mkinitramfs-ts/modules.d/<name>, which shadows the one shipped with mkinitramfs-ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '../host/host.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { parseManifest, type FeatureManifest } from './manifest.js';

export const BUILTIN_MODULES_D = join(PACKAGE_ROOT, 'modules.d');
const SYSROOT_MODULES_D = ['/etc/mkinitramfs-ts/modules.d', '/usr/lib/mkinitramfs-ts/modules.d'];

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Every available feature by name, the highest-precedence folder winning. */
export function loadFeatures(host: Host, builtinDir = BUILTIN_MODULES_D): Map<string, FeatureManifest> {
  const out = new Map<string, FeatureManifest>();
  // the sysroot's folders, read through the Host so symlinks resolve inside the sysroot
  for (const d of SYSROOT_MODULES_D) {
    for (const name of host.readdir(d)) {
      if (out.has(name) || !NAME.test(name) || !host.stat(`${d}/${name}/module.toml`)?.isFile()) continue;
      const file = host.diskPath(`${d}/${name}/module.toml`);
      const manifest = parseManifest(host.readText(`${d}/${name}/module.toml`), name, host.diskPath(`${d}/${name}`), file);
      out.set(name, { ...manifest, sysrootDir: host.realpath(`${d}/${name}`) });
    }
  }
  if (existsSync(builtinDir)) {
    for (const name of readdirSync(builtinDir).sort()) {
      const file = join(builtinDir, name, 'module.toml');
      if (out.has(name) || !NAME.test(name) || !existsSync(file)) continue;
      out.set(name, parseManifest(readFileSync(file, 'utf8'), name, join(builtinDir, name), file));
    }
  }
  return out;
}
