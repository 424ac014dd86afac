// A feature script from another sysroot's tree is that tree's code: it runs chrooted into the sysroot
// as nobody, never on this host, unless the caller trusts the tree. Markers written to absolute paths
// show where a script ran: in the sysroot's /tmp, never in this host's.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { runCheckScript, runInstallScript, type ScriptEnv } from '../../../src/features/feature-scripts.js';
import { loadFeatures } from '../../../src/features/load-features.js';
import type { FeatureManifest } from '../../../src/features/manifest.js';
import { sandboxProblem, scriptPlace } from '../../../src/features/script-sandbox.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { cleanupTrees, shellSysroot, tree } from './feature-tree.js';

const markers: string[] = [];
afterEach(() => {
  cleanupTrees();
  for (const m of markers.splice(0)) rmSync(m, { force: true });
});

/** An absolute path under /tmp that exists nowhere yet (on this host or in a sysroot). */
function marker(): string {
  const m = `/tmp/mkits-marker-${randomBytes(6).toString('hex')}`;
  markers.push(m);
  return m;
}

const DIR = '/etc/mkinitramfs-ts/modules.d/evil';

/** A sysroot (with a shell unless `shell` is false) whose own feature "evil" has the given scripts. */
function evilSysroot(scripts: { check?: string; install?: string }, shell = true): { root: string; feature: FeatureManifest; env: ScriptEnv } {
  const toml = [
    'description = "from the sysroot"',
    'include = "default"',
    ...(scripts.check ? ['check_script = "check.sh"'] : []),
    ...(scripts.install ? ['install_script = "install.sh"'] : []),
  ].join('\n');
  const spec = {
    [`${DIR.slice(1)}/module.toml`]: `${toml}\n`,
    ...(scripts.check ? { [`${DIR.slice(1)}/check.sh`]: scripts.check } : {}),
    ...(scripts.install ? { [`${DIR.slice(1)}/install.sh`]: scripts.install } : {}),
  };
  const root = shell ? shellSysroot(spec) : tree(spec);
  const feature = loadFeatures(new FsHost({ root }), tree()).get('evil');
  if (!feature) throw new Error('feature evil not loaded');
  return { root, feature, env: { sysroot: root, kver: '6.1.0-test', hostonly: false } };
}

describe('a sysroot feature’s scripts run inside the sysroot', () => {
  it('a check script writing to an absolute path writes into the sysroot, not onto this host', () => {
    const m = marker();
    const { root, feature, env } = evilSysroot({ check: `echo ran > ${m}\nexit 0\n` });
    expect(runCheckScript(feature, env)).toBe(true);
    expect(existsSync(m)).toBe(false);
    expect(readFileSync(join(root, m), 'utf8')).toBe('ran\n');
  });

  it('an install script likewise, and its directives still fold in', () => {
    const m = marker();
    const { root, feature, env } = evilSysroot({ install: `echo ran > ${m}\necho "dir /run/evil"\n` });
    expect(runInstallScript(feature, env)).toEqual([{ kind: 'dir', path: '/run/evil' }]);
    expect(existsSync(m)).toBe(false);
    expect(existsSync(join(root, m))).toBe(true);
  });

  it('sees the sysroot as /, its folder as working directory, and runs as nobody (cannot write root’s files)', () => {
    const { root, feature, env } = evilSysroot({
      check: [
        '[ "$MKINITRAMFS_TS_SYSROOT" = / ] || exit 3',
        `[ "$MKINITRAMFS_TS_FEATURE_DIR" = ${DIR} ] || exit 4`,
        `[ "$(pwd -P)" = ${DIR} ] || exit 5`,
        '[ -f ./module.toml ] || exit 6',
        'echo x > /etc/written-by-script 2>/dev/null && exit 7',
        'exit 0',
      ].join('\n'),
    });
    expect(runCheckScript(feature, env)).toBe(true);
    expect(existsSync(join(root, 'etc/written-by-script'))).toBe(false);
  });

  it('with --trust-sysroot-scripts it runs on this host, as before', () => {
    const m = marker();
    const { root, feature, env } = evilSysroot({ check: `echo ran > ${m}\nexit 0\n` });
    expect(runCheckScript(feature, { ...env, trustSysroot: true })).toBe(true);
    expect(existsSync(m)).toBe(true);
    expect(existsSync(join(root, m))).toBe(false);
  });

  it('a sysroot without /bin/sh is a usage error naming the script and both ways out, and runs nothing', () => {
    const m = marker();
    const { feature, env } = evilSysroot({ check: `echo ran > ${m}\nexit 0\n` }, false);
    const run = (): boolean => runCheckScript(feature, env);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(`${join(feature.dir, 'check.sh')} comes from the sysroot`);
    expect(run).toThrow(/no \/bin\/sh to run it: install a shell there, or pass --trust-sysroot-scripts/);
    expect(existsSync(m)).toBe(false);
  });
});

describe('scriptPlace', () => {
  it('our own features and the live root’s run on the host; another sysroot’s inside it unless trusted', () => {
    const root = tree();
    expect(scriptPlace(false, root, false)).toEqual({ where: 'host' });
    expect(scriptPlace(true, '/', false)).toEqual({ where: 'host' });
    expect(scriptPlace(true, `${root}/../../`, false)).toEqual({ where: 'host' }); // "/" spelled otherwise
    expect(scriptPlace(true, root, true)).toEqual({ where: 'host' });
    expect(scriptPlace(true, root, false)).toEqual({ where: 'sysroot', root });
  });

  it('a shipped feature’s script runs on this host even for another sysroot', () => {
    const m = marker();
    const builtin = tree({ 'ours/module.toml': 'description = "o"\ncheck_script = "check.sh"\n', 'ours/check.sh': `echo ran > ${m}\n` });
    const root = tree();
    const ours = loadFeatures(new FsHost({ root }), builtin).get('ours') as FeatureManifest;
    expect(ours.sysrootDir).toBeUndefined();
    expect(runCheckScript(ours, { sysroot: root, kver: 'k', hostonly: false })).toBe(true);
    expect(existsSync(m)).toBe(true);
  });
});

describe('sandboxProblem', () => {
  const ok = { isRoot: true, hasShell: true, chroot: '/usr/sbin/chroot', setpriv: '/usr/bin/setpriv' };
  it('none when root, a shell in the sysroot, chroot and setpriv on the host', () => {
    expect(sandboxProblem(ok, '/r/x/check.sh', '/r')).toBeUndefined();
  });
  it('each missing piece is one line naming the script, the sysroot and the fix', () => {
    const cases: [Partial<typeof ok> & { chroot?: string; setpriv?: string }, string][] = [
      [{ isRoot: false }, 'needs root: run as root, or pass --trust-sysroot-scripts'],
      [{ hasShell: false }, 'no /bin/sh to run it: install a shell there'],
      [{ chroot: undefined }, 'needs chroot (coreutils) on this host: install it'],
      [{ setpriv: undefined }, 'needs setpriv (util-linux) on this host: install it'],
    ];
    for (const [over, text] of cases) {
      const msg = sandboxProblem({ ...ok, ...over }, '/r/x/check.sh', '/r') ?? '';
      expect(msg).toContain('/r/x/check.sh comes from the sysroot /r');
      expect(msg).toContain(text);
      expect(msg).toContain('--trust-sysroot-scripts');
      expect(msg).not.toContain('\n');
    }
  });
});
