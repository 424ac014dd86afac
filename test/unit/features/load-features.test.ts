// The feature search path: the sysroot's /etc/mkinitramfs-ts/modules.d shadows its
// /usr/lib/mkinitramfs-ts/modules.d, which shadows the built-in folder; a shadowing folder replaces
// the lower one completely.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { BUILTIN_MODULES_D, loadFeatures } from '../../../src/features/load-features.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { cleanupTrees, tree } from './feature-tree.js';

afterEach(cleanupTrees);

const toml = (description: string, extra = ''): string => `description = "${description}"\n${extra}`;

describe('loadFeatures', () => {
  it('takes each name from the highest folder that has it: /etc over /usr/lib over built-in', () => {
    const builtin = tree({
      'alpha/module.toml': toml('alpha builtin'),
      'beta/module.toml': toml('beta builtin'),
      'gamma/module.toml': toml('gamma builtin', '[[hooks]]\nstage = "mount"\nscript = "builtin.sh"\n'),
    });
    const root = tree({
      'usr/lib/mkinitramfs-ts/modules.d/beta/module.toml': toml('beta usr'),
      'usr/lib/mkinitramfs-ts/modules.d/gamma/module.toml': toml('gamma usr'),
      'etc/mkinitramfs-ts/modules.d/gamma/module.toml': toml('gamma etc', 'include = "always"\n'),
      'etc/mkinitramfs-ts/modules.d/delta/module.toml': toml('delta etc'),
    });
    const all = loadFeatures(new FsHost({ root }), builtin);
    expect([...all.keys()].sort()).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(all.get('alpha')?.description).toBe('alpha builtin');
    expect(all.get('beta')?.description).toBe('beta usr');
    expect(all.get('beta')?.dir).toBe(join(root, 'usr/lib/mkinitramfs-ts/modules.d/beta'));
    const gamma = all.get('gamma');
    expect(gamma?.description).toBe('gamma etc');
    expect(gamma?.file).toBe(join(root, 'etc/mkinitramfs-ts/modules.d/gamma/module.toml'));
    // completely: nothing of the built-in gamma (its hook) survives
    expect(gamma?.hooks).toEqual([]);
    expect(gamma?.include).toBe('always');
  });

  it('a sysroot without the folders gives exactly the built-in features', () => {
    const builtin = tree({ 'one/module.toml': toml('one'), 'two/module.toml': toml('two') });
    const all = loadFeatures(new FsHost({ root: tree({ 'etc/hostname': 'x\n' }) }), builtin);
    expect([...all.keys()].sort()).toEqual(['one', 'two']);
    expect(all.get('one')?.dir).toBe(join(builtin, 'one'));
  });

  it('skips folders with names outside [a-z0-9._-] and folders without module.toml', () => {
    const builtin = tree({
      'Upper/module.toml': toml('x'),
      '.hidden/module.toml': toml('x'),
      '-dash/module.toml': toml('x'),
      'no-manifest/README': 'nothing here',
      'ok.name_1-2/module.toml': toml('fine'),
    });
    expect([...loadFeatures(new FsHost({ root: tree() }), builtin).keys()]).toEqual(['ok.name_1-2']);
  });

  it('an invalid manifest in the sysroot is a ConfigError naming its on-disk file', () => {
    const root = tree({ 'etc/mkinitramfs-ts/modules.d/bad/module.toml': 'description = "x"\nstage = 1\n' });
    const file = join(root, 'etc/mkinitramfs-ts/modules.d/bad/module.toml');
    expect(() => loadFeatures(new FsHost({ root }), tree())).toThrow(ConfigError);
    expect(() => loadFeatures(new FsHost({ root }), tree())).toThrow(`${file}: stage: unknown key`);
  });

  it('a modules.d that is an absolute symlink inside the sysroot is followed inside the sysroot', () => {
    const root = tree({
      'srv/mkits-features-only-in-sysroot/feat/module.toml': toml('from the sysroot'),
      'etc/mkinitramfs-ts/modules.d': { symlink: '/srv/mkits-features-only-in-sysroot' },
    });
    const all = loadFeatures(new FsHost({ root }), tree());
    expect(all.get('feat')?.description).toBe('from the sysroot');
  });

  it('a feature folder that is a relative symlink is followed', () => {
    const root = tree({
      'usr/share/feat-src/module.toml': toml('linked'),
      'etc/mkinitramfs-ts/modules.d/feat': { symlink: '../../../usr/share/feat-src' },
    });
    expect(loadFeatures(new FsHost({ root }), tree()).get('feat')?.description).toBe('linked');
  });

  // Regression (a bug this test found, now fixed): loadFeatures lists and reads the folders with node:fs on the on-disk path, not
  // through Host, so a feature folder that is an absolute symlink in the sysroot
  // (/etc/mkinitramfs-ts/modules.d/feat -> /usr/share/feat-src) is resolved against the build
  // machine's root: the sysroot's feature is silently missing (or the build host's is used).
  it('a feature folder that is an absolute symlink is followed inside the sysroot', () => {
    const root = tree({
      'usr/share/mkits-feat-only-in-sysroot/module.toml': toml('linked absolutely'),
      'etc/mkinitramfs-ts/modules.d/feat': { symlink: '/usr/share/mkits-feat-only-in-sysroot' },
    });
    expect(loadFeatures(new FsHost({ root }), tree()).get('feat')?.description).toBe('linked absolutely');
  });

  it('the shipped built-in folder is the default', () => {
    const all = loadFeatures(new FsHost({ root: tree() }));
    expect(all.get('base')?.dir).toBe(join(BUILTIN_MODULES_D, 'base'));
    expect(all.get('base')?.include).toBe('always');
  });
});
