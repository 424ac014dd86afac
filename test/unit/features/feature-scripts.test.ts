// The escape hatch: check scripts (exit 0 include, 1 leave out, else error), install scripts whose
// directives are parsed strictly and folded into a real plan of the fixture sysroot with the reason
// "feature NAME (SCRIPT)". The fixture sysroot is only read: the extra feature lives in a temp folder.
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assemblePlan, type AssembleInput } from '../../../src/assemble/assemble-plan.js';
import { openModuleSource } from '../../../src/kmod/open-module-source.js';
import { BadModuleError, ConfigError, NotBootableError } from '../../../src/errors.js';
import { parseDirectives, runCheckScript, runInstallScript, type ScriptEnv } from '../../../src/features/feature-scripts.js';
import { loadFeatures } from '../../../src/features/load-features.js';
import type { FeatureManifest } from '../../../src/features/manifest.js';
import { FsHost } from '../../../src/host/fs-host.js';
import type { Plan } from '../../../src/assemble/plan.js';
import { buildSysroot, kver } from '../../support/fixtures.js';
import { cleanupTrees, tree } from './feature-tree.js';

afterEach(cleanupTrees);

const ENV: ScriptEnv = { sysroot: '/some/sysroot', kver: '6.1.0-test', hostonly: true };

/** A feature folder holding module.toml and the given scripts, loaded as the built-in folder would be. */
function scriptedFeature(name: string, toml: string, files: Record<string, string>): FeatureManifest {
  const builtin = tree(Object.fromEntries([[`${name}/module.toml`, toml], ...Object.entries(files).map(([f, t]) => [`${name}/${f}`, t])]));
  const f = loadFeatures(new FsHost({ root: tree() }), builtin).get(name);
  if (!f) throw new Error(`feature ${name} not loaded`);
  return f;
}

const checkFeature = (script: string): FeatureManifest =>
  scriptedFeature('checked', 'description = "c"\ninclude = "default"\ncheck_script = "check.sh"\n', { 'check.sh': script });

describe('runCheckScript', () => {
  it('exit 0 includes, exit 1 leaves out', async () => {
    expect(runCheckScript(checkFeature('exit 0\n'), ENV)).toBe(true);
    expect(runCheckScript(checkFeature('exit 1\n'), ENV)).toBe(false);
  });

  it('any other exit is a ConfigError naming the script, the status and the first stderr line', async () => {
    const f = checkFeature('echo "first problem" >&2\necho second >&2\nexit 2\n');
    const file = join(f.dir, 'check.sh');
    expect(() => runCheckScript(f, ENV)).toThrow(ConfigError);
    expect(() => runCheckScript(f, ENV)).toThrow(`${file}: exit 2 (0 = include, 1 = leave out): first problem`);
  });

  it('a script killed by a signal is an error, not "leave out"', async () => {
    expect(() => runCheckScript(checkFeature('kill -TERM $$\n'), ENV)).toThrow(ConfigError);
  });

  it('runs with the documented environment, in the feature folder, and nothing else of ours', async () => {
    const f = checkFeature(
      [
        '[ "$MKINITRAMFS_TS_SYSROOT" = /some/sysroot ] || exit 3',
        '[ "$MKINITRAMFS_TS_KVER" = 6.1.0-test ] || exit 4',
        '[ "$MKINITRAMFS_TS_HOSTONLY" = 1 ] || exit 5',
        '[ "$MKINITRAMFS_TS_FEATURE" = checked ] || exit 6',
        '[ "$MKINITRAMFS_TS_FEATURE_DIR" = "$(pwd -P)" ] || exit 7',
        '[ -f ./module.toml ] || exit 8',
        '[ -z "$VITEST" ] || exit 9',
        'exit 0',
      ].join('\n'),
    );
    expect(runCheckScript(f, ENV)).toBe(true);
    // the same script sees MKINITRAMFS_TS_HOSTONLY=0 for a generic build (its exit 5)
    expect(() => runCheckScript(f, { ...ENV, hostonly: false })).toThrow('exit 5');
  });

  it('a feature without a check script applies', async () => {
    expect(runCheckScript(scriptedFeature('plain', 'description = "p"\n', {}), ENV)).toBe(true);
  });
});

describe('parseDirectives', () => {
  it('reads every directive kind, "?" optional markers, comments and blank lines', async () => {
    const text = ['# a comment', '', 'binary lvm', 'binary /usr/sbin/dmsetup?', '  file /etc/lvm/lvm.conf  ', 'file /etc/x?', 'module dm_mod', 'module pci:v*?', 'symlink /sbin/vgchange lvm', 'dir /run/lvm', '   # indented comment'].join('\n');
    expect(parseDirectives(text, 'install.sh')).toEqual([
      { kind: 'binary', name: 'lvm', optional: false },
      { kind: 'binary', name: '/usr/sbin/dmsetup', optional: true },
      { kind: 'file', name: '/etc/lvm/lvm.conf', optional: false },
      { kind: 'file', name: '/etc/x', optional: true },
      { kind: 'module', name: 'dm_mod', optional: false },
      { kind: 'module', name: 'pci:v*', optional: true },
      { kind: 'symlink', path: '/sbin/vgchange', target: 'lvm' },
      { kind: 'dir', path: '/run/lvm' },
    ]);
  });

  const bad: [string, string][] = [
    ['frobnicate /x', 'unknown directive'],
    ['binary', "'binary' takes one name"],
    ['binary a b', "'binary' takes one name"],
    ['module a b', "'module' takes one name"],
    ['symlink /a', "'symlink' takes an absolute image path and a target"],
    ['symlink rel target', "'symlink' takes an absolute image path and a target"],
    ['dir', "'dir' takes one absolute image path"],
    ['dir run/x', "'dir' takes one absolute image path"],
    ['dir /a /b', "'dir' takes one absolute image path"],
    ['symlink /a b c', 'too many words'],
    ['BINARY lvm', 'unknown directive'],
  ];
  for (const [line, why] of bad) {
    it(`rejects ${JSON.stringify(line)} with the script, the line number and the line`, () => {
      const fn = () => parseDirectives(`# ok\ndir /ok\n${line}\n`, '/f/install.sh');
      expect(fn).toThrow(ConfigError);
      expect(fn).toThrow(`/f/install.sh: output line 3: ${why}`);
      expect(fn).toThrow(JSON.stringify(line));
    });
  }
});

describe('runInstallScript', () => {
  const installFeature = (script: string): FeatureManifest =>
    scriptedFeature('inst', 'description = "i"\ninstall_script = "install.sh"\n', { 'install.sh': script });

  it('parses what the script prints', async () => {
    expect(runInstallScript(installFeature('echo "dir /x-$MKINITRAMFS_TS_KVER"\necho "module loop?"\n'), ENV)).toEqual([
      { kind: 'dir', path: '/x-6.1.0-test' },
      { kind: 'module', name: 'loop', optional: true },
    ]);
  });

  it('a failing script is a ConfigError with its status and stderr, even if it printed directives', async () => {
    const f = installFeature('echo "dir /x"\necho "no lvm.conf here" >&2\nexit 3\n');
    expect(() => runInstallScript(f, ENV)).toThrow(`${join(f.dir, 'install.sh')}: failed with exit 3: no lvm.conf here`);
  });

  it('bad output names the script file', async () => {
    const f = installFeature('echo "copy /a /b"\n');
    expect(() => runInstallScript(f, ENV)).toThrow(`${join(f.dir, 'install.sh')}: output line 1: unknown directive 'copy'`);
  });
});

describe('install-script directives folded into a plan of the fixture sysroot', () => {
  let host: FsHost;
  let builtin: Map<string, FeatureManifest>;
  beforeAll(() => {
    host = new FsHost({ root: buildSysroot() });
    builtin = loadFeatures(new FsHost({ root: tree() }));
  });

  function planWith(extra: FeatureManifest): Promise<Plan> {
    const input: AssembleInput = {
      host,
      kver: kver(),
      features: ['base', 'rootfs-block'].map((n) => ({ feature: builtin.get(n) as FeatureManifest, why: 'test' })).concat([{ feature: extra, why: 'requested with --add' }]),
      modules: openModuleSource(host, kver()),
      hostonly: false,
      addDrivers: [],
      omitDrivers: [],
      forceDrivers: [],
      install: [],
      kernelCmdline: '',
      scriptEnv: { sysroot: buildSysroot(), kver: kver(), hostonly: false },
    };
    return assemblePlan(input);
  }
  const extraFeature = (lines: string[]): FeatureManifest =>
    scriptedFeature('extra', 'description = "e"\ninclude = "optional"\ninstall_script = "install.sh"\n', {
      'install.sh': lines.map((l) => `echo "${l}"`).join('\n') + '\n',
    });

  it('binaries bring their libraries, files their link chains, modules their dependencies, with the script as reason', async () => {
    const plan = await planWith(
      extraFeature([
        '# e2fsck for the extra feature',
        'binary e2fsck',
        'binary does-not-exist-anywhere?',
        'file /etc/os-release',
        'file /etc/no-such-file?',
        'module ext4',
        'module no_such_module_xyz?',
        'symlink /etc/extra-link ../usr/sbin/e2fsck',
        'dir /var/lib/extra',
      ]),
    );
    const at = (p: string) => plan.entries.find((e) => e.path === p);
    const why = 'feature extra (install.sh)';
    const e2fsck = at('/usr/sbin/e2fsck');
    expect(e2fsck?.type).toBe('file');
    expect(e2fsck?.reasons.some((r) => r.why.includes(why))).toBe(true);
    // a library e2fsck needs (libext2fs), found by the resolver, attributed to the same feature
    const lib = plan.entries.find((e) => /\/libext2fs\.so\.2(\.|$)/.test(e.path) && e.type === 'file');
    expect(lib?.reasons.some((r) => r.why.includes(why))).toBe(true);
    // /etc/os-release is a link to ../usr/lib/os-release in Debian: the link and its target
    expect(at('/etc/os-release')).toMatchObject({ type: 'symlink', target: '../usr/lib/os-release' });
    expect(at('/usr/lib/os-release')?.type).toBe('file');
    expect(at('/etc/no-such-file')).toBeUndefined();
    // ext4 and what modules.dep says it needs
    const ko = (p: string) => at(`/usr/lib/modules/${kver()}/kernel/${p}`);
    for (const m of ['fs/ext4/ext4.ko', 'fs/jbd2/jbd2.ko', 'fs/mbcache.ko', 'lib/crc16.ko']) expect(ko(m)?.type, m).toBe('file');
    expect(ko('fs/ext4/ext4.ko')?.reasons.map((r) => r.why)).toContain(why);
    expect(at('/etc/extra-link')).toMatchObject({ type: 'symlink', target: '../usr/sbin/e2fsck', reasons: [{ why }] });
    expect(at('/var/lib/extra')).toMatchObject({ type: 'dir', reasons: [{ why }] });
    const dep = at(`/usr/lib/modules/${kver()}/modules.dep`);
    expect(dep?.type === 'file' && String(dep.content)).toContain('kernel/fs/ext4/ext4.ko: ');
  });

  it('a required binary the sysroot lacks is NotBootableError naming the script', async () => {
    await expect(planWith(extraFeature(['binary no-such-binary-xyz']))).rejects.toThrow(NotBootableError);
    await expect(planWith(extraFeature(['binary no-such-binary-xyz']))).rejects.toThrow(/feature extra \(install\.sh\).*no-such-binary-xyz/);
  });

  it('a required file the sysroot lacks is NotBootableError naming the script and the file', async () => {
    await expect(planWith(extraFeature(['file /etc/no-such-file']))).rejects.toThrow(NotBootableError);
    await expect(planWith(extraFeature(['file /etc/no-such-file']))).rejects.toThrow('feature extra (install.sh) wants /etc/no-such-file');
  });

  it('a required module the kernel lacks is BadModuleError', async () => {
    await expect(planWith(extraFeature(['module no_such_module_xyz']))).rejects.toThrow(BadModuleError);
  });

  it('a symlink directive that contradicts a file already planned is NotBootableError', async () => {
    await expect(planWith(extraFeature(['symlink /init /bin/sh']))).rejects.toThrow(NotBootableError);
  });
});
