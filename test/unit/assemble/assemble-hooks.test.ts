// assemblePlan and a feature's own files: hooks land where /init's run_hooks looks for them
// (/lib/mkinitramfs-ts/hooks/STAGE/*.sh, sourced in name order), feature files keep their mode, links
// obey if_binary. A tiny sysroot and a module source with no modules keep this about features only.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemblePlan } from '../../../src/assemble/assemble-plan.js';
import { FEATURES_ONLY, tempDirs } from './helpers.js';
import { MkError } from '../../../src/errors.js';
import type { SelectedFeature } from '../../../src/features/select-features.js';
import { loadFeatures } from '../../../src/features/load-features.js';
import { FsHost } from '../../../src/host/fs-host.js';
import type { Plan } from '../../../src/assemble/plan.js';

const temp = tempDirs('mkits-assemble-');

/** Features from a temp modules.d ({ 'name/file': text }), all selected, planned over an empty sysroot. */
function planFeatures(files: Record<string, string>): Promise<Plan> {
  const builtin = temp();
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(builtin, p, '..'), { recursive: true });
    writeFileSync(join(builtin, p), text);
  }
  const host = new FsHost({ root: temp() });
  const features: SelectedFeature[] = [...loadFeatures(host, builtin).values()].map((feature) => ({ feature, why: 'test' }));
  return assemblePlan({
    host,
    ...FEATURES_ONLY,
    features,
  });
}

/** The hook files run_hooks STAGE would source, in its order (the glob's sorted order). */
function sourcedBy(plan: Plan, stage: string): string[] {
  const dir = `/usr/lib/mkinitramfs-ts/hooks/${stage}/`;
  return plan.entries
    .filter((e) => e.type === 'file' && e.path.startsWith(dir) && !e.path.slice(dir.length).includes('/') && e.path.endsWith('.sh'))
    .map((e) => e.path.slice(dir.length))
    .sort();
}

describe('assemblePlan: feature hooks and files', () => {
  it('installs hooks where run_hooks finds them, ordered by NN then feature name', async () => {
    const runHooks = readFileSync(new URL('../../../modules.d/base/stages.sh', import.meta.url), 'utf8');
    expect(runHooks).toContain('/lib/mkinitramfs-ts/hooks/"$1"/*.sh');
    const plan = await planFeatures({
      'zeta/module.toml': 'description = "z"\n[[hooks]]\nstage = "initqueue"\nscript = "z.sh"\norder = 5\n',
      'zeta/z.sh': 'echo zeta\n',
      'alpha/module.toml': 'description = "a"\n[[hooks]]\nstage = "initqueue"\nscript = "a.sh"\norder = 50\n[[hooks]]\nstage = "cleanup"\nscript = "a.sh"\n',
      'alpha/a.sh': 'echo alpha\n',
      'beta/module.toml': 'description = "b"\n[[hooks]]\nstage = "initqueue"\nscript = "b.sh"\norder = 50\n',
      'beta/b.sh': 'echo beta\n',
    });
    expect(sourcedBy(plan, 'initqueue')).toEqual(['05-zeta-z.sh', '50-alpha-a.sh', '50-beta-b.sh']);
    expect(sourcedBy(plan, 'cleanup')).toEqual(['50-alpha-a.sh']);
    const hook = plan.entries.find((e) => e.path === '/usr/lib/mkinitramfs-ts/hooks/initqueue/05-zeta-z.sh');
    expect(hook).toMatchObject({ type: 'file', mode: 0o644, reasons: [{ why: 'feature zeta, initqueue hook' }] });
    expect(hook?.type === 'file' && String(hook.content)).toBe('echo zeta\n');
  });

  it('feature files keep their mode (0644 by default), paths are merged-/usr', async () => {
    const plan = await planFeatures({
      'f/module.toml': 'description = "f"\n[[files]]\nsource = "tool.sh"\npath = "/sbin/tool"\nmode = 0o750\n[[files]]\nsource = "conf"\npath = "/etc/f.conf"\n',
      'f/tool.sh': '#!/bin/sh\n',
      'f/conf': 'x=1\n',
    });
    expect(plan.entries.find((e) => e.path === '/usr/sbin/tool')).toMatchObject({ type: 'file', mode: 0o750 });
    expect(plan.entries.find((e) => e.path === '/etc/f.conf')).toMatchObject({ type: 'file', mode: 0o644 });
  });

  it('a link with if_binary is left out when that binary is not in the image', async () => {
    const plan = await planFeatures({
      'f/module.toml': 'description = "f"\nbinaries = ["no-such-tool?"]\n[[links]]\npath = "/sbin/fsck.ext4"\ntarget = "no-such-tool"\nif_binary = "no-such-tool"\n[[links]]\npath = "/etc/always"\ntarget = "x"\n',
    });
    expect(plan.entries.find((e) => e.path === '/usr/sbin/fsck.ext4')).toBeUndefined();
    expect(plan.entries.find((e) => e.path === '/etc/always')).toMatchObject({ type: 'symlink', target: 'x' });
  });

  // Regression (a bug this test found, now fixed): a hook script whose name does not end in ".sh" is accepted by parseManifest and
  // installed (e.g. hooks/initqueue/50-f-activate), but /init's run_hooks only sources
  // hooks/STAGE/*.sh, so the hook silently never runs at boot. Build time should reject it (or
  // install it under a name run_hooks picks up) — "fail at build time, not at boot".
  it('a hook named without .sh is rejected at build time or still run at boot', async () => {
    let plan: Plan | undefined;
    try {
      plan = await planFeatures({
        'f/module.toml': 'description = "f"\n[[hooks]]\nstage = "initqueue"\nscript = "activate"\n',
        'f/activate': 'echo activate\n',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(MkError);
      return;
    }
    expect(sourcedBy(plan, 'initqueue')).toHaveLength(1);
  });

  // Regression (a bug this test found, now fixed): a hook (or [[files]] source) that the manifest names but that is missing from the
  // folder reaches readFileSync in assemble-plan.ts unguarded: the raw ENOENT Error becomes
  // "internal error" with a stack trace (exit 1) instead of a typed error naming the manifest
  // (errors.ts: "Every user-facing failure is one of these").
  it('a hook script missing from the folder is a typed error naming the feature', async () => {
    const fn = () => planFeatures({ 'f/module.toml': 'description = "f"\n[[hooks]]\nstage = "mount"\nscript = "gone.sh"\n' });
    await expect(fn()).rejects.toThrow(MkError);
    await expect(fn()).rejects.toThrow(/module\.toml/);
  });

  it('a [[files]] source missing from the folder is a typed error naming the feature', async () => {
    const fn = () => planFeatures({ 'f/module.toml': 'description = "f"\n[[files]]\nsource = "gone.conf"\npath = "/etc/gone.conf"\n' });
    await expect(fn()).rejects.toThrow(MkError);
  });
});
