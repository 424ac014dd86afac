// assemblePlan and a feature found in the sysroot's own tree: every file it names is read inside the
// sysroot (an absolute symlink there resolves in the sysroot, never to this host's file of that path),
// and a dry run runs no install script but says so in a plan note. A module source with no modules keeps
// this about features only.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemblePlan } from '../../../src/assemble/assemble-plan.js';
import { FEATURES_ONLY, tempDirs } from './helpers.js';
import { ConfigError, NotBootableError } from '../../../src/errors.js';
import { loadFeatures } from '../../../src/features/load-features.js';
import { FsHost } from '../../../src/host/fs-host.js';
import type { Plan, PlanEntry } from '../../../src/assemble/plan.js';

const temp = tempDirs('mkits-sysfeat-');

const FEATURE = 'etc/mkinitramfs-ts/modules.d/leaky';

/** A secret file on this host, outside any sysroot: what a hostile tree would like to pull in. */
function hostSecret(): string {
  const path = join(temp(), 'shadow');
  writeFileSync(path, 'HOST SECRET\n');
  return path;
}

/** A sysroot: { path: text | { symlink } }, with the feature "leaky" in its own modules.d. */
function sysroot(spec: Record<string, string | { symlink: string }>): string {
  const root = temp();
  for (const [p, node] of Object.entries(spec)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    if (typeof node === 'string') writeFileSync(join(root, p), node);
    else symlinkSync(node.symlink, join(root, p));
  }
  return root;
}

function plan(root: string, dryRun = false): Promise<Plan> {
  const host = new FsHost({ root });
  const feature = loadFeatures(host, temp()).get('leaky');
  if (!feature) throw new Error('feature leaky not loaded');
  return assemblePlan({
    host,
    ...FEATURES_ONLY,
    features: [{ feature, why: 'requested with --add' }],
    scriptEnv: { sysroot: root, kver: '6.1.0-test', hostonly: false, trustSysroot: true },
    dryRun,
  });
}

const content = (e: PlanEntry | undefined): string | undefined => (e?.type === 'file' && e.content !== undefined ? String(e.content) : undefined);

describe('files of a sysroot feature are read inside the sysroot', () => {
  it('a [[files]] source linked to an absolute host path gets the sysroot’s file of that path', async () => {
    const secret = hostSecret();
    const root = sysroot({
      [`${FEATURE}/module.toml`]: 'description = "l"\n[[files]]\nsource = "conf"\npath = "/etc/leaky.conf"\n',
      [`${FEATURE}/conf`]: { symlink: secret },
      [secret.slice(1)]: 'SYSROOT COPY\n',
    });
    const p = await plan(root);
    expect(content(p.entries.find((e) => e.path === '/etc/leaky.conf'))).toBe('SYSROOT COPY\n');
  });

  it('… and is the manifest’s error when the sysroot has no such file, never this host’s', async () => {
    const secret = hostSecret();
    const root = sysroot({
      [`${FEATURE}/module.toml`]: 'description = "l"\n[[files]]\nsource = "conf"\npath = "/etc/leaky.conf"\n',
      [`${FEATURE}/conf`]: { symlink: secret },
    });
    await expect(plan(root)).rejects.toThrow(ConfigError);
    await expect(plan(root)).rejects.toThrow('names conf, which is not in');
  });

  it('… and a source linked to a device of the sysroot (its /dev/zero could be read for ever) is not read', async () => {
    const root = sysroot({
      [`${FEATURE}/module.toml`]: 'description = "l"\n[[files]]\nsource = "conf"\npath = "/etc/leaky.conf"\n',
      [`${FEATURE}/conf`]: { symlink: '/dev/null' },
    });
    mkdirSync(join(root, 'dev'));
    execFileSync('mknod', [join(root, 'dev/null'), 'c', '1', '3']);
    await expect(plan(root)).rejects.toThrow(ConfigError);
  });

  it('a hook script linked out of the sysroot likewise', async () => {
    const secret = hostSecret();
    const root = sysroot({
      [`${FEATURE}/module.toml`]: 'description = "l"\n[[hooks]]\nstage = "mount"\nscript = "x.sh"\n',
      [`${FEATURE}/x.sh`]: { symlink: `${'../'.repeat(12)}${secret.slice(1)}` }, // on this host: up to / and down to the secret
    });
    await expect(plan(root)).rejects.toThrow(ConfigError);
  });

  it('a from_sysroot file /etc/x -> an absolute path brings the sysroot’s target, never this host’s', async () => {
    const secret = hostSecret();
    const toml = (optional: boolean): string => `description = "l"\n[[files]]\nfrom_sysroot = "/etc/x"\noptional = ${optional}\n`;
    const present = sysroot({ [`${FEATURE}/module.toml`]: toml(false), 'etc/x': { symlink: secret }, [secret.slice(1)]: 'SYSROOT COPY\n' });
    const p = await plan(present);
    const target = p.entries.find((e) => e.path === secret);
    expect(target?.type === 'file' && target.source).toBe(join(present, secret));
    expect(p.entries.some((e) => e.type === 'file' && e.source === secret)).toBe(false);

    const absent = sysroot({ [`${FEATURE}/module.toml`]: toml(false), 'etc/x': { symlink: secret } });
    await expect(plan(absent)).rejects.toThrow(NotBootableError);
    const optional = sysroot({ [`${FEATURE}/module.toml`]: toml(true), 'etc/x': { symlink: secret } });
    const q = await plan(optional);
    expect(q.entries.some((e) => e.type === 'file' && (e.source === secret || e.path === secret))).toBe(false);
  });
});

describe('a dry run runs no install script', () => {
  const withInstall = (marker: string): string =>
    sysroot({
      [`${FEATURE}/module.toml`]: 'description = "l"\ninstall_script = "install.sh"\n',
      [`${FEATURE}/install.sh`]: `echo ran > ${marker}\necho "dir /run/leaky"\n`,
    });

  it('the script does not run, nothing of it is planned, and a note names the feature and the script', async () => {
    const marker = join(temp(), `marker-${randomBytes(4).toString('hex')}`);
    const p = await plan(withInstall(marker), true);
    expect(existsSync(marker)).toBe(false);
    expect(p.entries.some((e) => e.path === '/run/leaky')).toBe(false);
    expect(p.notes).toContainEqual({
      subject: 'feature leaky',
      text: 'install script install.sh not run (--dry-run): what it adds is not in this plan',
      reasons: ['requested with --add'],
    });
  });

  it('a real build of the same tree runs it (the marker the dry run must not leave)', async () => {
    const marker = join(temp(), `marker-${randomBytes(4).toString('hex')}`);
    const p = await plan(withInstall(marker));
    expect(existsSync(marker)).toBe(true);
    expect(p.entries.some((e) => e.path === '/run/leaky')).toBe(true);
  });
});
