// Whether the target kernel can unpack an initramfs compressed a given way: the image is useless if
// the kernel lacks the decompressor, so this is checked at build time from the kernel's config.
import { CompressorError } from '../errors.js';
import type { Host } from '../host/host.js';
import { COMPRESS_FORMATS, type CompressFormat } from './compress-spec.js';

const CONFIG_OPTION: Record<Exclude<CompressFormat, 'none'>, string> = {
  gzip: 'CONFIG_RD_GZIP',
  zstd: 'CONFIG_RD_ZSTD',
  xz: 'CONFIG_RD_XZ',
  lz4: 'CONFIG_RD_LZ4',
};

/** The options a kernel needs to unpack `format` (all must be "y"). */
function requiredOptions(format: CompressFormat): string[] {
  return format === 'none' ? ['CONFIG_BLK_DEV_INITRD'] : ['CONFIG_BLK_DEV_INITRD', CONFIG_OPTION[format]];
}

/** The options among `requiredOptions(format)` that the config text does not set to "y". */
export function missingOptions(configText: string, format: CompressFormat): string[] {
  // a search per option: a config has ~10 000 lines and two of them matter
  return requiredOptions(format).filter((option) => !new RegExp(`^${option}=y[ \\t\\r]*$`, 'm').test(configText));
}

export function kernelSupports(configText: string, format: CompressFormat): boolean {
  return missingOptions(configText, format).length === 0;
}

/** In-root places a kernel's config is installed, most usual first. */
function kernelConfigPaths(kver: string): string[] {
  return [
    `/boot/config-${kver}`,
    `/lib/modules/${kver}/build/.config`,
    `/usr/lib/modules/${kver}/config`,
    `/lib/modules/${kver}/config`,
  ];
}

export interface KernelConfig {
  path: string;
  text: string;
}

export function findKernelConfig(host: Host, kver: string): KernelConfig | undefined {
  for (const path of kernelConfigPaths(kver)) {
    const text = host.tryReadText(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

/**
 * Throws a CompressorError when kernel `kver` in `host` cannot unpack `format`. Returns the config
 * that was checked, or a warning when no config was found (nothing could be checked).
 */
export function requireKernelSupport(
  host: Host,
  kver: string,
  format: CompressFormat,
): { config: string; warning?: undefined } | { config?: undefined; warning: string } {
  const config = findKernelConfig(host, kver);
  if (config === undefined) {
    const looked = kernelConfigPaths(kver).join(', ');
    return { warning: `no config for kernel ${kver} in ${host.root} (looked at ${looked}): cannot check that it unpacks ${format}` };
  }
  const missing = missingOptions(config.text, format);
  if (missing.length > 0)
    throw new CompressorError(`kernel ${kver} has ${missing.join(', ')} unset (${config.path}): ${_fix(config.text, missing)}`);
  return { config: config.path };
}

function _fix(configText: string, missing: string[]): string {
  if (missing.includes('CONFIG_BLK_DEV_INITRD'))
    return 'it cannot load an initramfs at all; build it with CONFIG_BLK_DEV_INITRD=y';
  const usable = COMPRESS_FORMATS.filter((f) => f !== 'none' && kernelSupports(configText, f));
  return `use --compress ${usable[0] ?? 'none'}`;
}
