// parseManifest: a valid manifest comes back typed, every invalid one is a ConfigError that names the
// manifest file and the offending key.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { parseManifest } from '../../../src/features/manifest.js';

const FILE = '/etc/mkinitramfs-ts/modules.d/demo/module.toml';
const parseDemo = (text: string) => parseManifest(text, 'demo', '/etc/mkinitramfs-ts/modules.d/demo', FILE);

/** The ConfigError parsing `text` throws (fails the test when it does not throw one). */
function errorOf(text: string): ConfigError {
  try {
    parseDemo(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`no error for:\n${text}`);
}

describe('parseManifest: a valid manifest', () => {
  it('returns every field as written', () => {
    const m = parseDemo(`
description = "Demo feature"
include = "default"
depends = ["rootfs-block", "base"]
generic_only = true
requires_binaries = ["lvm"]
unless_binaries = ["busybox"]
kernel_modules = ["dm_mod", "dm_snapshot?", "=drivers/md"]
binaries = ["lvm", "dmsetup?"]
busybox_applets = ["sh", "vi?"]
check_script = "check.sh"
install_script = "install.sh"

[[files]]
source = "lvm.conf"
path = "/etc/lvm/lvm.conf"
mode = 0o600

[[files]]
from_sysroot = "/etc/crypttab"
optional = true

[[links]]
path = "/sbin/fsck.ext4"
target = "e2fsck"
if_binary = "e2fsck"

[[links]]
path = "/sbin/x"
target = "y"

[[hooks]]
stage = "initqueue"
script = "activate.sh"
order = 7

[[hooks]]
stage = "cleanup"
script = "stop.sh"
`);
    expect(m).toMatchObject({
      name: 'demo',
      dir: '/etc/mkinitramfs-ts/modules.d/demo',
      file: FILE,
      description: 'Demo feature',
      include: 'default',
      depends: ['rootfs-block', 'base'],
      generic_only: true,
      requires_binaries: ['lvm'],
      unless_binaries: ['busybox'],
      kernel_modules: ['dm_mod', 'dm_snapshot?', '=drivers/md'],
      binaries: ['lvm', 'dmsetup?'],
      busybox_applets: ['sh', 'vi?'],
      check_script: 'check.sh',
      install_script: 'install.sh',
      files: [
        { source: 'lvm.conf', from_sysroot: undefined, path: '/etc/lvm/lvm.conf', mode: 0o600, optional: false },
        // path defaults to the sysroot path
        { source: undefined, from_sysroot: '/etc/crypttab', path: '/etc/crypttab', mode: undefined, optional: true },
      ],
      links: [
        { path: '/sbin/fsck.ext4', target: 'e2fsck', if_binary: 'e2fsck' },
        { path: '/sbin/x', target: 'y', if_binary: undefined },
      ],
      hooks: [
        { stage: 'initqueue', script: 'activate.sh', order: 7 },
        { stage: 'cleanup', script: 'stop.sh', order: 50 }, // the documented default order
      ],
    });
    // toMatchObject is loose on arrays of objects only by key; pin the lists exactly
    expect(m.files).toHaveLength(2);
    expect(m.links).toHaveLength(2);
    expect(m.hooks).toHaveLength(2);
  });

  it('defaults: include optional, empty lists, generic_only false, no scripts', () => {
    const m = parseDemo('description = "minimal"\n');
    expect(m.include).toBe('optional');
    expect([m.depends, m.kernel_modules, m.binaries, m.busybox_applets, m.files, m.links, m.hooks, m.requires_binaries]).toEqual([[], [], [], [], [], [], [], []]);
    expect(m.generic_only).toBe(false);
    expect('check_script' in m || 'install_script' in m).toBe(false);
  });

  it('reads the keys of a feature that runs systemd as PID 1', () => {
    const m = parseDemo(`description = "d"
init = "/usr/lib/systemd/systemd"
systemd_units = ["initrd.target", "cryptsetup.target?"]
systemd_units_omit = ["systemd-firstboot.service"]
dlopen = ["required", "recommended", "tpm", "cryptsetup"]
kmod_indexes = true
static_nodes = "/usr/lib/tmpfiles.d/static-nodes.conf"
libraries = ["libtss2-esys.so.0", "cryptsetup/libcryptsetup-token-systemd-tpm2.so?"]
`);
    expect(m).toMatchObject({
      init: '/usr/lib/systemd/systemd',
      systemd_units: ['initrd.target', 'cryptsetup.target?'],
      systemd_units_omit: ['systemd-firstboot.service'],
      dlopen: ['required', 'recommended', 'tpm', 'cryptsetup'],
      kmod_indexes: true,
      static_nodes: '/usr/lib/tmpfiles.d/static-nodes.conf',
      libraries: ['libtss2-esys.so.0', 'cryptsetup/libcryptsetup-token-systemd-tpm2.so?'],
    });
    const plain = parseDemo('description = "d"\n');
    expect([plain.systemd_units, plain.systemd_units_omit, plain.dlopen, plain.kmod_indexes, 'init' in plain, 'static_nodes' in plain, plain.libraries]).toEqual([[], [], [], false, false, false, []]);
  });

  it('reads [with.NAME] tables: lists added only when feature NAME is in the image too', () => {
    const m = parseDemo(`description = "d"
binaries = ["lvm"]
[with.systemd-initrd]
binaries = ["dmsetup"]
systemd_units = ["lvm2-pvscan@.service?"]
[[with.systemd-initrd.files]]
from_sysroot = "/usr/lib/udev/rules.d/69-lvm.rules"
optional = true
`);
    expect(m.binaries).toEqual(['lvm']);
    expect(m.files).toEqual([]);
    expect(m.with).toEqual({
      'systemd-initrd': {
        kernel_modules: [],
        binaries: ['dmsetup'],
        busybox_applets: [],
        files: [{ from_sysroot: '/usr/lib/udev/rules.d/69-lvm.rules', path: '/usr/lib/udev/rules.d/69-lvm.rules', optional: true, source: undefined, mode: undefined }],
        links: [],
        systemd_units: ['lvm2-pvscan@.service?'],
        systemd_units_omit: [],
        dlopen: [],
        libraries: [],
      },
    });
    expect(parseDemo('description = "d"\n').with).toEqual({});
  });

  it('accepts every documented stage and the order bounds 0 and 99', () => {
    for (const stage of ['cmdline', 'pre-trigger', 'initqueue', 'timeout', 'pre-mount', 'mount', 'pre-pivot', 'cleanup']) {
      const m = parseDemo(`description = "d"\n[[hooks]]\nstage = "${stage}"\nscript = "a.sh"\norder = 0\n[[hooks]]\nstage = "${stage}"\nscript = "b.sh"\norder = 99\n`);
      expect(m.hooks.map((h) => [h.stage, h.order])).toEqual([[stage, 0], [stage, 99]]);
    }
  });
});

describe('parseManifest: every invalid manifest names the file and the key', () => {
  // [what is wrong, manifest text, the key the message must name]
  const cases: [string, string, string][] = [
    ['unknown top-level key', 'description = "d"\ncolour = "red"\n', 'colour'],
    ['missing description', 'include = "always"\n', 'description'],
    ['description not a string', 'description = 3\n', 'description'],
    ['include not one of the three', 'description = "d"\ninclude = "sometimes"\n', 'include'],
    ['include not a string', 'description = "d"\ninclude = true\n', 'include'],
    ['depends a string, not a list', 'description = "d"\ndepends = "base"\n', 'depends'],
    ['depends with a number', 'description = "d"\ndepends = ["base", 1]\n', 'depends'],
    ['kernel_modules a table', 'description = "d"\nkernel_modules = { a = 1 }\n', 'kernel_modules'],
    ['binaries of booleans', 'description = "d"\nbinaries = [true]\n', 'binaries'],
    ['busybox_applets a number', 'description = "d"\nbusybox_applets = 5\n', 'busybox_applets'],
    ['requires_binaries of lists', 'description = "d"\nrequires_binaries = [["lvm"]]\n', 'requires_binaries'],
    ['generic_only a string', 'description = "d"\ngeneric_only = "yes"\n', 'generic_only'],
    ['init a relative path', 'description = "d"\ninit = "systemd"\n', 'init'],
    ['dlopen a word that is neither a priority nor a feature name', 'description = "d"\ndlopen = ["tpm2 fido2"]\n', 'dlopen'],
    ['dlopen an empty word', 'description = "d"\ndlopen = [""]\n', 'dlopen'],
    ['libraries an absolute path', 'description = "d"\nlibraries = ["/usr/lib/libx.so.1"]\n', 'libraries'],
    ['libraries escaping the library dirs', 'description = "d"\nlibraries = ["../../etc/shadow"]\n', 'libraries'],
    ['with_features (gone: a [with.NAME] table says it)', 'description = "d"\nwith_features = ["crypt"]\n', 'with_features'],
    ['kmod_indexes a string', 'description = "d"\nkmod_indexes = "yes"\n', 'kmod_indexes'],
    ['static_nodes a relative path', 'description = "d"\nstatic_nodes = "static-nodes.conf"\n', 'static_nodes'],
    ['static_nodes true', 'description = "d"\nstatic_nodes = true\n', 'static_nodes'],
    ['systemd_units a string', 'description = "d"\nsystemd_units = "initrd.target"\n', 'systemd_units'],
    ['files a single table', 'description = "d"\n[files]\nsource = "a"\npath = "/a"\n', 'files'],
    ['files a list of strings', 'description = "d"\nfiles = ["a"]\n', 'files'],
    ['unknown key in a file', 'description = "d"\n[[files]]\nsource = "a"\npath = "/a"\nowner = "root"\n', 'files[0].owner'],
    ['file with both source and from_sysroot', 'description = "d"\n[[files]]\nsource = "a"\nfrom_sysroot = "/a"\npath = "/a"\n', 'files[0]'],
    ['file with neither source nor from_sysroot', 'description = "d"\n[[files]]\npath = "/a"\n', 'files[0]'],
    ['source with a slash', 'description = "d"\n[[files]]\nsource = "sub/a"\npath = "/a"\n', 'files[0].source'],
    ['source escaping the folder', 'description = "d"\n[[files]]\nsource = "../../../etc/shadow"\npath = "/a"\n', 'files[0].source'],
    ['source ".."', 'description = "d"\n[[files]]\nsource = ".."\npath = "/a"\n', 'files[0].source'],
    ['source a number', 'description = "d"\n[[files]]\nsource = 1\npath = "/a"\n', 'files[0].source'],
    ['from_sysroot a number', 'description = "d"\n[[files]]\nfrom_sysroot = 1\n', 'files[0].from_sysroot'],
    ['source without a path', 'description = "d"\n[[files]]\nsource = "a"\n', 'files[0].path'],
    ['relative image path', 'description = "d"\n[[files]]\nsource = "a"\npath = "etc/a"\n', 'files[0].path'],
    ['mode a string', 'description = "d"\n[[files]]\nsource = "a"\npath = "/a"\nmode = "0755"\n', 'files[0].mode'],
    ['mode too large', 'description = "d"\n[[files]]\nsource = "a"\npath = "/a"\nmode = 0o17777\n', 'files[0].mode'],
    ['mode negative', 'description = "d"\n[[files]]\nsource = "a"\npath = "/a"\nmode = -1\n', 'files[0].mode'],
    ['mode a float', 'description = "d"\n[[files]]\nsource = "a"\npath = "/a"\nmode = 4.5\n', 'files[0].mode'],
    ['second file bad (index counted)', 'description = "d"\n[[files]]\nsource = "a"\npath = "/a"\n[[files]]\nsource = "b"\npath = "b"\n', 'files[1].path'],
    ['unknown key in a link', 'description = "d"\n[[links]]\npath = "/a"\ntarget = "b"\nmode = 1\n', 'links[0].mode'],
    ['link without target', 'description = "d"\n[[links]]\npath = "/a"\n', 'links[0].target'],
    ['link if_binary a list', 'description = "d"\n[[links]]\npath = "/a"\ntarget = "b"\nif_binary = ["x"]\n', 'links[0].if_binary'],
    ['unknown stage', 'description = "d"\n[[hooks]]\nstage = "late"\nscript = "a.sh"\n', 'hooks[0].stage'],
    ['stage missing', 'description = "d"\n[[hooks]]\nscript = "a.sh"\n', 'hooks[0].stage'],
    ['order 100', 'description = "d"\n[[hooks]]\nstage = "mount"\nscript = "a.sh"\norder = 100\n', 'hooks[0].order'],
    ['order -1', 'description = "d"\n[[hooks]]\nstage = "mount"\nscript = "a.sh"\norder = -1\n', 'hooks[0].order'],
    ['order a float', 'description = "d"\n[[hooks]]\nstage = "mount"\nscript = "a.sh"\norder = 1.5\n', 'hooks[0].order'],
    ['order a string', 'description = "d"\n[[hooks]]\nstage = "mount"\nscript = "a.sh"\norder = "10"\n', 'hooks[0].order'],
    ['hook script with a slash', 'description = "d"\n[[hooks]]\nstage = "mount"\nscript = "../x.sh"\n', 'hooks[0].script'],
    ['hook script missing', 'description = "d"\n[[hooks]]\nstage = "mount"\n', 'hooks[0].script'],
    ['unknown key in a hook', 'description = "d"\n[[hooks]]\nstage = "mount"\nscript = "a.sh"\nwhen = "now"\n', 'hooks[0].when'],
    ['check_script with a slash', 'description = "d"\ncheck_script = "/usr/bin/true"\n', 'check_script'],
    ['install_script with a slash', 'description = "d"\ninstall_script = "sub/install.sh"\n', 'install_script'],
    ['install_script a number', 'description = "d"\ninstall_script = 5\n', 'install_script'],
    ['with a string', 'description = "d"\nwith = "systemd-initrd"\n', 'with'],
    ['with.NAME not a table', 'description = "d"\nwith = { x = 1 }\n', 'with.x'],
    ['with.NAME naming itself', 'description = "d"\n[with.demo]\nbinaries = ["a"]\n', 'with.demo'],
    ['with.NAME not a feature name', 'description = "d"\n[with."../x"]\nbinaries = ["a"]\n', 'with.../x'],
    ['hooks in a with table', 'description = "d"\n[[with.x.hooks]]\nstage = "mount"\nscript = "a.sh"\n', 'with.x.hooks'],
    ['unknown key in a with table', 'description = "d"\n[with.x]\ninit = "/sbin/init"\n', 'with.x.init'],
    ['bad file in a with table (the key path named)', 'description = "d"\n[[with.x.files]]\nsource = "a"\npath = "rel"\n', 'with.x.files[0].path'],
    ['binaries a string in a with table', 'description = "d"\n[with.x]\nbinaries = "a"\n', 'with.x.binaries'],
  ];

  for (const [what, text, key] of cases) {
    it(`${what} → ConfigError naming ${key}`, () => {
      const err = errorOf(text);
      expect(err.file).toBe(FILE);
      expect(err.message.startsWith(`${FILE}: ${key}: `)).toBe(true);
    });
  }

  it('invalid TOML names the file and the line of the error', () => {
    const err = errorOf('description = "d"\ninclude = "default"\ndepends = [\n  "base",\n  oops\n]\n');
    expect(err.file).toBe(FILE);
    expect(err.message).toMatch(new RegExp(`^${FILE.replace(/[.]/g, '\\.')}:5: invalid TOML: `));
  });

  it('invalid TOML on the first line reports line 1', () => {
    expect(errorOf('description = \n').message).toMatch(/module\.toml:1: invalid TOML/);
  });

  it('a duplicate key is invalid TOML, not a silent override', () => {
    expect(errorOf('description = "a"\ndescription = "b"\n').message).toMatch(/module\.toml:2: invalid TOML/);
  });

  // Regression (a bug this test found, now fixed): files[].optional is never type-checked. `optional = "yes"` (or 1) is silently read as
  // false, contrary to "wrong types ... are errors that name the file and the key" (modules.d/README.md).
  it('files[].optional of the wrong type is an error naming files[0].optional', () => {
    const err = errorOf('description = "d"\n[[files]]\nfrom_sysroot = "/etc/crypttab"\noptional = "yes"\n');
    expect(err.message).toContain('files[0].optional');
  });
});
