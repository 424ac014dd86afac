// Which modprobe configuration files apply, in kmod's order: every "*.conf" / "*.alias" file of the
// config directories, one per file name (the earlier directory wins), applied in sorted name order,
// with the module directory's modules.softdep sorted in among them as one more file.
import type { Host } from '../host/host.js';
import { applyKernelCmdline } from './kernel-cmdline.js';
import { emptyModprobeConfig, parseModprobeConfig, type ModprobeConfig } from './modprobe-config.js';

/** kmod's directories (in-root), highest precedence first; /usr/lib/modprobe.d as newer kmod reads it. */
export const DEFAULT_CONFIG_DIRS = ['/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/lib/modprobe.d', '/usr/lib/modprobe.d'];

/** In-root paths of the config files in the order kmod applies them. */
export function listConfigFiles(host: Host, kmoddir: string, dirs: readonly string[] = DEFAULT_CONFIG_DIRS): string[] {
  const byName = new Map<string, string>([['modules.softdep', `${kmoddir}/modules.softdep`]]);
  for (const dir of dirs) {
    const st = host.stat(dir);
    if (!st) continue;
    if (!st.isDirectory()) {
      const base = dir.slice(dir.lastIndexOf('/') + 1);
      if (!byName.has(base)) byName.set(base, dir);
      continue;
    }
    for (const name of host.readdir(dir)) {
      if (name.startsWith('.') || name.length < 6 || !(name.endsWith('.conf') || name.endsWith('.alias'))) continue;
      if (byName.has(name)) continue;
      if (host.stat(`${dir}/${name}`)?.isDirectory()) continue;
      byName.set(name, `${dir}/${name}`);
    }
  }
  return [...byName.keys()].sort(_byteOrder).map((n) => byName.get(n) as string);
}

/** Read and apply every config file (missing ones are skipped, unreadable ones throw). */
export function loadModprobeConfig(host: Host, kmoddir: string, opts: { dirs?: readonly string[]; kernelCmdline?: string } = {}): ModprobeConfig {
  const config = emptyModprobeConfig();
  for (const file of listConfigFiles(host, kmoddir, opts.dirs)) {
    const text = host.tryReadText(file);
    if (text !== undefined) parseModprobeConfig(config, text, file);
  }
  if (opts.kernelCmdline !== undefined) applyKernelCmdline(config, opts.kernelCmdline);
  return config;
}

function _byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
