// The real Debian kernel's config: it unpacks every format we write; a copy with one decompressor
// switched off is refused at build time.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPRESS_FORMATS } from '../../src/compress/compress-spec.js';
import { kernelSupports, requireKernelSupport } from '../../src/compress/kernel-support.js';
import { CompressorError } from '../../src/errors.js';
import { FsHost } from '../../src/host/fs-host.js';
import { kernelRoot, kver } from '../support/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'mkinitramfs-kcfg-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the real kernel config', () => {
  it('accepts all five formats', () => {
    const host = new FsHost({ root: kernelRoot() });
    for (const format of COMPRESS_FORMATS) {
      expect(requireKernelSupport(host, kver(), format)).toEqual({ config: `/boot/config-${kver()}` });
    }
  });

  it('refuses a format a modified copy of the config does not enable', () => {
    const real = readFileSync(join(kernelRoot(), 'boot', `config-${kver()}`), 'utf8');
    expect(real).toMatch(/^CONFIG_RD_XZ=y$/m);
    for (const [option, format] of [['CONFIG_RD_XZ', 'xz'], ['CONFIG_RD_LZ4', 'lz4'], ['CONFIG_RD_ZSTD', 'zstd']] as const) {
      const root = join(scratch, format);
      mkdirSync(join(root, 'boot'), { recursive: true });
      const modified = real.replace(new RegExp(`^${option}=y$`, 'm'), `# ${option} is not set`);
      expect(kernelSupports(modified, format)).toBe(false);
      writeFileSync(join(root, 'boot', `config-${kver()}`), modified);
      const host = new FsHost({ root });
      expect(() => requireKernelSupport(host, kver(), format)).toThrow(CompressorError);
      expect(() => requireKernelSupport(host, kver(), format)).toThrow(
        `kernel ${kver()} has ${option} unset (/boot/config-${kver()}): use --compress gzip`,
      );
      expect(requireKernelSupport(host, kver(), 'gzip').config).toBe(`/boot/config-${kver()}`);
    }
  });

  it('finds the config where only the modules tree has it', () => {
    const root = join(scratch, 'usrlib');
    mkdirSync(join(root, 'usr/lib/modules', kver()), { recursive: true });
    cpSync(join(kernelRoot(), 'boot', `config-${kver()}`), join(root, 'usr/lib/modules', kver(), 'config'));
    expect(requireKernelSupport(new FsHost({ root }), kver(), 'zstd').config).toBe(`/usr/lib/modules/${kver()}/config`);
  });
});
