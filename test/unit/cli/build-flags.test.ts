// toBuildOptions: configuration files under the flags.
import { Command } from '@commander-js/extra-typings';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toBuildOptions, withBuildFlags, type BuildFlagValues } from '../../../src/cli/build-flags.js';
import { ConfigError, UsageError } from '../../../src/errors.js';
import { cleanup, testdir } from '../config/testdir.js';

afterEach(cleanup);

const KVER = '6.1.0-99-test';
const sysroot = (conf: Record<string, string> = {}): string => testdir({ [`lib/modules/${KVER}/modules.dep`]: '', ...conf });

/** Parse argv with the real build flags, as the CLI does. */
function flags(argv: string[]): BuildFlagValues {
  const cmd = withBuildFlags(new Command('build').exitOverride());
  cmd.parse(argv, { from: 'user' });
  return cmd.opts();
}

function options(root: string, argv: string[] = []) {
  const warnings: string[] = [];
  const opts = toBuildOptions(flags(['--sysroot', root, ...argv]), undefined, undefined, { warn: (m) => warnings.push(m) });
  return { opts, warnings };
}

describe('toBuildOptions with configuration files', () => {
  const CONF = {
    'etc/mkinitramfs-ts.conf': [
      'hostonly = true',
      'compress = "xz"',
      'add = ["lvm", "crypt"]',
      'omit = ["fsck"]',
      'add_drivers = ["nvme"]',
      'omit_drivers = ["floppy"]',
      'force_drivers = ["virtio_blk"]',
      'filesystems = ["xfs"]',
      'install_items = ["/usr/bin/less"]',
      'early_microcode = true',
      'kernel_cmdline = "quiet"',
      'root_timeout = 17',
    ].join('\n'),
  };

  it('without flags, takes every setting from the configuration', () => {
    const { opts, warnings } = options(sysroot(CONF));
    expect(warnings).toEqual([]);
    expect(opts).toMatchObject({
      kver: KVER,
      hostonly: true,
      compress: 'xz',
      add: ['lvm', 'crypt'],
      omit: ['fsck'],
      addDrivers: ['nvme', 'xfs'],
      omitDrivers: ['floppy'],
      forceDrivers: ['virtio_blk'],
      install: ['/usr/bin/less'],
      earlyMicrocode: true,
      kernelCmdline: 'quiet',
      rootTimeout: 17,
    });
  });

  it('flags replace scalars and add to lists; an opposite flag cancels a configured entry', () => {
    const { opts } = options(sysroot(CONF), [
      '--no-hostonly',
      '--compress', 'gzip:9',
      '--omit', 'lvm',
      '--add', 'fsck mdraid',
      '--omit-drivers', 'virtio_blk',
      '--add-drivers', 'floppy,ahci',
      '--filesystems', 'btrfs',
      '-i', '/usr/bin/vi',
      '--no-early-microcode',
      '--kernel-cmdline', 'rd.shell',
      '--root-timeout', '5',
    ]);
    expect(opts).toMatchObject({
      hostonly: false,
      compress: 'gzip:9',
      add: ['crypt', 'fsck', 'mdraid'],
      omit: ['lvm'],
      addDrivers: ['nvme', 'xfs', 'floppy', 'ahci', 'btrfs'],
      omitDrivers: ['virtio_blk'],
      forceDrivers: [],
      install: ['/usr/bin/less', '/usr/bin/vi'],
      earlyMicrocode: false,
      kernelCmdline: 'rd.shell',
      rootTimeout: 5,
    });
  });

  it('a forced driver on the command line beats a configured omission', () => {
    const { opts } = options(sysroot({ 'etc/mkinitramfs-ts.conf': 'omit_drivers = ["nvme"]\n' }), ['--force-drivers', 'nvme']);
    expect(opts.omitDrivers).toEqual([]);
    expect(opts.forceDrivers).toEqual(['nvme']);
    expect(opts.addDrivers).toEqual([]);
  });

  it('without configuration, falls back to the built-in defaults', () => {
    const { opts } = options(sysroot());
    expect(opts).toMatchObject({ hostonly: false, compress: '', add: [], earlyMicrocode: false, kernelCmdline: '', rootTimeout: undefined });
    expect(opts.output).toBe(join(opts.sysroot, 'boot', `initrd.img-${KVER}`));
  });

  it('--conf and --confdir replace the sysroot files', () => {
    const root = sysroot({ 'etc/mkinitramfs-ts.conf': 'compress = "xz"\n', 'other/a.toml': 'compress = "lz4"\n', 'd/1.conf': 'add = ["x"]\n' });
    const { opts } = options(root, ['--conf', join(root, 'other/a.toml'), '--confdir', join(root, 'd')]);
    expect(opts.compress).toBe('lz4');
    expect(opts.add).toEqual(['x']);
  });

  it('passes configuration warnings on and stops on configuration errors', () => {
    const { warnings } = options(sysroot({ 'etc/mkinitramfs-ts.conf': 'add = ["a", "a"]\n' }));
    expect(warnings).toEqual([expect.stringMatching(/mkinitramfs-ts\.conf:1: add: "a" is listed more than once$/)]);
    expect(() => options(sysroot({ 'etc/mkinitramfs-ts.conf': 'compres = "xz"\n' }))).toThrow(ConfigError);
    expect(() => options(sysroot({ 'etc/mkinitramfs-ts.conf': 'compres = "xz"\n' }))).toThrow(/:1: compres: unknown key \(did you mean compress\?\)/);
  });

  it('rejects a bad --root-timeout', () => {
    expect(() => options(sysroot(), ['--root-timeout', '1.5'])).toThrow(UsageError);
    expect(() => options(sysroot(), ['--root-timeout', '0'])).toThrow(/must be a whole number of seconds/);
  });
});

describe('--kernel-image', () => {
  it("sets the UKI's kernel: a file on this machine, only with --uki (flag or configuration)", () => {
    const root = sysroot({ 'etc/mkinitramfs-ts.conf': 'uki = true\n', 'vmlinuz-given': 'MZ' });
    const given = join(root, 'vmlinuz-given');
    expect(options(root, ['-N', '--kernel-image', given]).opts.kernelImage).toBe(given);
    expect(options(root, ['-N']).opts.kernelImage).toBeUndefined();
    const plain = sysroot({ 'vmlinuz-given': 'MZ' });
    expect(() => options(plain, ['-N', '--kernel-image', join(plain, 'vmlinuz-given')])).toThrow(UsageError);
    expect(() => options(plain, ['-N', '--kernel-image', join(plain, 'vmlinuz-given')])).toThrow(/--kernel-image is the kernel of a UKI: add --uki/);
    expect(() => options(plain, ['-N', '--uki', '--kernel-image', join(plain, 'nope')])).toThrow(new RegExp(`${join(plain, 'nope')}: no such file \\(--kernel-image\\)`));
  });
});
