import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFiles } from '../../../src/config/config-files.js';
import { loadConfig, loadConfigOrThrow } from '../../../src/config/load-config.js';
import { ConfigError, ExitCode, NotFoundError } from '../../../src/errors.js';
import { cleanup, testdir } from './testdir.js';

afterEach(cleanup);

describe('configFiles', () => {
  it('reads the main file, then drop-ins of /usr/lib and /etc sorted by name, /etc replacing /usr/lib', () => {
    const root = testdir({
      'etc/mkinitramfs-ts.conf': '',
      'etc/mkinitramfs-ts.conf.d/20-admin.conf': '',
      'etc/mkinitramfs-ts.conf.d/10-same.conf': '',
      'etc/mkinitramfs-ts.conf.d/notes.txt': '',
      'etc/mkinitramfs-ts.conf.d/.hidden.conf': '',
      'usr/lib/mkinitramfs-ts.conf.d/10-same.conf': '',
      'usr/lib/mkinitramfs-ts.conf.d/05-vendor.conf': '',
      'usr/lib/mkinitramfs-ts.conf.d/30-masked.conf': '',
      'etc/mkinitramfs-ts.conf.d/30-masked.conf': { symlink: '/dev/null' },
    });
    expect(configFiles({ sysroot: root }).map((f) => f.slice(root.length))).toEqual([
      '/etc/mkinitramfs-ts.conf',
      '/usr/lib/mkinitramfs-ts.conf.d/05-vendor.conf',
      '/etc/mkinitramfs-ts.conf.d/10-same.conf',
      '/etc/mkinitramfs-ts.conf.d/20-admin.conf',
      '/etc/mkinitramfs-ts.conf.d/30-masked.conf',
    ]);
  });

  it('reads nothing from a root without configuration', () => {
    expect(configFiles({ sysroot: testdir() })).toEqual([]);
  });

  it('--conf and --confdir replace the defaults and must exist', () => {
    const root = testdir({ 'etc/mkinitramfs-ts.conf': '', 'etc/mkinitramfs-ts.conf.d/a.conf': '', 'mine.toml': '', 'dir/b.conf': '' });
    expect(configFiles({ sysroot: root, conf: join(root, 'mine.toml'), confdir: join(root, 'dir') })).toEqual([join(root, 'mine.toml'), join(root, 'dir/b.conf')]);
    expect(() => configFiles({ sysroot: root, conf: join(root, 'nope.conf') })).toThrow(NotFoundError);
    expect(() => configFiles({ sysroot: root, confdir: join(root, 'nodir') })).toThrow(/--confdir .*nodir: no such directory/);
  });
});

describe('loadConfig', () => {
  it('merges files in order: scalars replaced, lists appended', () => {
    const root = testdir({
      'etc/mkinitramfs-ts.conf': 'compress = "gzip"\nadd = ["lvm"]\nhostonly = true\n',
      'etc/mkinitramfs-ts.conf.d/10-a.conf': 'compress = "zstd:19"\nadd = ["crypt"]\n',
      'usr/lib/mkinitramfs-ts.conf.d/20-b.conf': 'add_drivers = ["nvme"]\nfilesystems = ["xfs"]\n',
    });
    const r = loadConfig({ sysroot: root });
    expect(r.errors).toEqual([]);
    expect(r.files).toHaveLength(3);
    expect(r.config).toMatchObject({ compress: 'zstd:19', add: ['lvm', 'crypt'], hostonly: true, addDrivers: ['nvme'], filesystems: ['xfs'] });
  });

  it('reports a TOML syntax error as file:line:column and goes on with the other files', () => {
    const root = testdir({
      'etc/mkinitramfs-ts.conf.d/10-bad.conf': 'hostonly = true\nadd = ["lvm"\n',
      'etc/mkinitramfs-ts.conf.d/20-bad.conf': 'compress = "rar"\n',
    });
    const r = loadConfig({ sysroot: root });
    expect(r.errors).toHaveLength(2);
    expect(r.errors[0]).toMatch(new RegExp(`^${root}/etc/mkinitramfs-ts.conf.d/10-bad.conf:3:1: not valid TOML: `));
    expect(r.errors[1]).toMatch(new RegExp(`^${root}/etc/mkinitramfs-ts.conf.d/20-bad.conf:1: compress: unknown compression`));
  });

  it('loadConfigOrThrow throws one ConfigError (exit 9) listing every problem, one per line', () => {
    const root = testdir({ 'etc/mkinitramfs-ts.conf': 'hostonly = "no"\nroot_timeout = -1\n' });
    let err: unknown;
    try {
      loadConfigOrThrow({ sysroot: root });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.exitCode).toBe(ExitCode.badConfig);
    expect(e.file).toBe(join(root, 'etc/mkinitramfs-ts.conf'));
    expect(e.message.split('\n')).toEqual([
      `${root}/etc/mkinitramfs-ts.conf:1: hostonly: must be true or false (got "no")`,
      `${root}/etc/mkinitramfs-ts.conf:2: root_timeout: must be a whole number of seconds from 1 to 86400 (got -1)`,
    ]);
  });

  it('skips a drop-in name that is a directory, not a file', () => {
    const root = testdir({ 'etc/mkinitramfs-ts.conf.d/x.conf/inner': 'bogus = 1\n', 'etc/mkinitramfs-ts.conf.d/y.conf': 'hostonly = true\n' });
    const r = loadConfig({ sysroot: root });
    expect(r.files).toEqual([join(root, 'etc/mkinitramfs-ts.conf.d/y.conf')]);
    expect(r.errors).toEqual([]);
  });
});
