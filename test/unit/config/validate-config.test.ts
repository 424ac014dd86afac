import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, KNOWN_KEYS } from '../../../src/config/config-schema.js';
import { validateConfig } from '../../../src/config/validate-config.js';

const check = (text: string) => validateConfig(parse(text) as Record<string, unknown>, { file: '/etc/x.conf', text });

describe('validateConfig', () => {
  it('accepts every key with a good value and maps it to its field', () => {
    const r = check(`
hostonly = false
compress = "zstd:19"
add = ["lvm", "crypt"]
omit = ["fsck"]
add_drivers = ["nvme"]
omit_drivers = ["floppy"]
force_drivers = ["virtio_blk"]
filesystems = ["xfs", "btrfs"]
install_items = ["/usr/bin/less"]
early_microcode = true
kernel_cmdline = "quiet rd.shell"
root_timeout = 30
`);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.config).toEqual({
      hostonly: false,
      compress: 'zstd:19',
      add: ['lvm', 'crypt'],
      omit: ['fsck'],
      addDrivers: ['nvme'],
      omitDrivers: ['floppy'],
      forceDrivers: ['virtio_blk'],
      filesystems: ['xfs', 'btrfs'],
      installItems: ['/usr/bin/less'],
      earlyMicrocode: true,
      kernelCmdline: 'quiet rd.shell',
      rootTimeout: 30,
    });
  });

  it('leaves unset scalars undefined and unset lists empty', () => {
    const r = check('compress = "gzip"\n');
    expect(r.config.hostonly).toBeUndefined();
    expect(r.config.rootTimeout).toBeUndefined();
    expect(r.config.add).toEqual([]);
  });

  it('reports an unknown key with its line, a suggestion and the known keys', () => {
    const r = check('hostonly = true\n\nadd-drivers = ["nvme"]\n');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toBe(`/etc/x.conf:3: add-drivers: unknown key (did you mean add_drivers?); known keys: ${KNOWN_KEYS.join(', ')}`);
  });

  it('reports an unknown table as an unknown key', () => {
    const r = check('[dracut]\nadd = 1\n');
    expect(r.errors[0]).toMatch(/^\/etc\/x\.conf:1: dracut: unknown key; known keys: hostonly/);
  });

  it.each([
    ['hostonly = "yes"', /:1: hostonly: must be true or false \(got "yes"\)$/],
    ['compress = "bzip2"', /:1: compress: unknown compression "bzip2": use gzip, zstd, xz, lz4, none/],
    ['compress = "zstd:40"', /:1: compress: zstd level 40 is out of range: use zstd:1 to zstd:22/],
    ['compress = 3', /:1: compress: must be a string in quotes \(got 3\)/],
    ['add = "lvm crypt"', /:1: add: must be a list: add = \["lvm", "crypt"\]$/],
    ['add = ["lvm crypt"]', /:1: add: "lvm crypt" holds several names: give one name per list element/],
    ['add_drivers = [1]', /:1: add_drivers: list elements must be strings \(got 1\)/],
    ['omit = [""]', /:1: omit: empty name/],
    ['install_items = ["usr/bin/x"]', /:1: install_items: "usr\/bin\/x" is not an absolute path/],
    ['root_timeout = "30"', /:1: root_timeout: must be a whole number of seconds, without quotes \(got "30"\)/],
    ['root_timeout = 0', /:1: root_timeout: must be a whole number of seconds from 1 to 86400 \(got 0\)/],
    ['root_timeout = 2.5', /:1: root_timeout: must be a whole number of seconds, without quotes \(got 2.5\)/],
    ['kernel_cmdline = """a\nb"""', /:1: kernel_cmdline: must be one line/],
    ['filesystems = { a = 1 }', /:1: filesystems: must be a list of strings \(got a table\)/],
  ])('rejects %s', (text, message) => {
    const r = check(`\n${text}\n`.slice(1));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(message);
    expect(r.errors[0]?.startsWith('/etc/x.conf:')).toBe(true);
  });

  it('reports every problem, each on its own line number', () => {
    const r = check('compress = "nope"\nhostonly = 1\nadd = ["ok"]\nbogus = 1\n');
    expect(r.errors.map((e) => e.split(':').slice(0, 3).join(':'))).toEqual(['/etc/x.conf:1: compress', '/etc/x.conf:2: hostonly', '/etc/x.conf:4: bogus']);
    expect(r.config.add).toEqual(['ok']);
  });

  it('warns about duplicates and about a name both added and omitted', () => {
    const r = check('add = ["lvm", "lvm"]\nomit = ["lvm"]\nforce_drivers = ["nvme"]\nomit_drivers = ["nvme"]\n');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      '/etc/x.conf:1: add: "lvm" is listed more than once',
      '/etc/x.conf:2: omit: "lvm" is also in add: keep it in one of them',
      '/etc/x.conf:4: omit_drivers: "nvme" is also in force_drivers: keep it in one of them',
    ]);
  });

  it('has one schema entry per field and per key', () => {
    expect(new Set(CONFIG_KEYS.map((k) => k.key)).size).toBe(CONFIG_KEYS.length);
    expect(new Set(CONFIG_KEYS.map((k) => k.field)).size).toBe(CONFIG_KEYS.length);
  });
});
