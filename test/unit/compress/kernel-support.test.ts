import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findKernelConfig, kernelSupports, missingOptions, requireKernelSupport } from '../../../src/compress/kernel-support.js';
import { CompressorError } from '../../../src/errors.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { tempDir } from '../pack/helpers.js';

const CONFIG = ['CONFIG_BLK_DEV_INITRD=y', 'CONFIG_RD_GZIP=y', 'CONFIG_RD_ZSTD=y', '# CONFIG_RD_XZ is not set', 'CONFIG_RD_LZ4=m', ''].join('\n');

function sysroot(files: Record<string, string>): FsHost {
  const root = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return new FsHost({ root });
}

describe('kernelSupports', () => {
  it('needs CONFIG_RD_<FORMAT>=y and an initrd-capable kernel', () => {
    expect(kernelSupports(CONFIG, 'gzip')).toBe(true);
    expect(kernelSupports(CONFIG, 'zstd')).toBe(true);
    expect(kernelSupports(CONFIG, 'xz')).toBe(false); // "is not set"
    expect(kernelSupports(CONFIG, 'lz4')).toBe(false); // a decompressor cannot be a module
    expect(kernelSupports(CONFIG, 'none')).toBe(true);
    expect(kernelSupports('CONFIG_RD_GZIP=y\n', 'gzip')).toBe(false);
    expect(missingOptions('CONFIG_RD_GZIP=y\n', 'none')).toEqual(['CONFIG_BLK_DEV_INITRD']);
  });
});

describe('requireKernelSupport', () => {
  it('finds the config in /boot, the build tree or /usr/lib/modules, in that order', () => {
    expect(findKernelConfig(sysroot({ '/boot/config-6.1.0-t': 'A', '/usr/lib/modules/6.1.0-t/config': 'B' }), '6.1.0-t')).toEqual({
      path: '/boot/config-6.1.0-t',
      text: 'A',
    });
    expect(findKernelConfig(sysroot({ '/lib/modules/6.1.0-t/build/.config': 'C' }), '6.1.0-t')?.path).toBe('/lib/modules/6.1.0-t/build/.config');
    expect(findKernelConfig(sysroot({ '/usr/lib/modules/6.1.0-t/config': 'B' }), '6.1.0-t')?.path).toBe('/usr/lib/modules/6.1.0-t/config');
    expect(findKernelConfig(sysroot({ '/boot/config-other': 'A' }), '6.1.0-t')).toBeUndefined();
  });

  it('throws a CompressorError naming the option, the config and a format that works', () => {
    const host = sysroot({ '/boot/config-6.1.0-t': CONFIG });
    expect(requireKernelSupport(host, '6.1.0-t', 'zstd')).toEqual({ config: '/boot/config-6.1.0-t' });
    expect(() => requireKernelSupport(host, '6.1.0-t', 'xz')).toThrow(CompressorError);
    expect(() => requireKernelSupport(host, '6.1.0-t', 'xz')).toThrow(
      'kernel 6.1.0-t has CONFIG_RD_XZ unset (/boot/config-6.1.0-t): use --compress gzip',
    );
    const zstdOnly = sysroot({ '/boot/config-6.1.0-t': 'CONFIG_BLK_DEV_INITRD=y\nCONFIG_RD_ZSTD=y\n' });
    expect(() => requireKernelSupport(zstdOnly, '6.1.0-t', 'gzip')).toThrow(/CONFIG_RD_GZIP unset .*: use --compress zstd$/);
    const noInitrd = sysroot({ '/boot/config-6.1.0-t': 'CONFIG_RD_GZIP=y\n' });
    expect(() => requireKernelSupport(noInitrd, '6.1.0-t', 'gzip')).toThrow(/CONFIG_BLK_DEV_INITRD unset.*cannot load an initramfs/);
  });

  it('warns (and does not guess) when no config can be found', () => {
    const result = requireKernelSupport(sysroot({}), '6.1.0-t', 'xz');
    expect(result.config).toBeUndefined();
    expect(result.warning).toMatch(/^no config for kernel 6\.1\.0-t in .*cannot check that it unpacks xz$/);
  });
});
