// Which features an image gets: always + default (gated by requires_binaries, unless_binaries and check scripts, unless
// omitted) + detected + --add, closed over depends; unknown names are UnknownFeatureError.
import { describe, expect, it, vi } from 'vitest';
import { UnknownFeatureError } from '../../../src/errors.js';
import type { FeatureManifest } from '../../../src/features/manifest.js';
import { selectFeatures, type FeatureSelection } from '../../../src/features/select-features.js';
import { feature, featureMap } from './feature-tree.js';

const base = feature('base', 'description = "b"\ninclude = "always"\n');
const rootfs = feature('rootfs-block', 'description = "r"\ninclude = "always"\ndepends = ["base"]\n');
const fsck = feature('fsck', 'description = "f"\ninclude = "default"\ndepends = ["rootfs-block"]\n');
const lvm = feature('lvm', 'description = "l"\ninclude = "default"\nrequires_binaries = ["lvm", "dmsetup"]\n');
const crypt = feature('crypt', 'description = "c"\ninclude = "optional"\ndepends = ["dm"]\nrequires_binaries = ["cryptsetup"]\n');
const dm = feature('dm', 'description = "d"\ninclude = "optional"\ndepends = ["udev"]\n');
const udev = feature('udev', 'description = "u"\ninclude = "optional"\n');
const nfs = feature('nfs', 'description = "n"\ninclude = "optional"\n');

const ALL = featureMap(base, rootfs, fsck, lvm, crypt, dm, udev, nfs);

const sel = (over: Partial<FeatureSelection> = {}): FeatureSelection => ({
  add: [],
  omit: [],
  hostonly: false,
  hasBinary: () => true,
  ...over,
});
const picked = (all: Map<string, FeatureManifest>, over: Partial<FeatureSelection> = {}): Record<string, string> =>
  Object.fromEntries(selectFeatures(all, sel(over)).map((s) => [s.feature.name, s.why]));

function unknownError(fn: () => unknown): UnknownFeatureError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UnknownFeatureError);
    return err as UnknownFeatureError;
  }
  throw new Error('no UnknownFeatureError');
}

describe('selectFeatures', () => {
  it("appends a feature's [with.NAME] lists only when NAME is selected too", () => {
    const stack = feature('stack', 'description = "s"\ninclude = "optional"\nbinaries = ["tool"]\n[with.pid1]\nbinaries = ["udev-helper"]\nsystemd_units = ["x.timer"]\ndlopen = ["cryptsetup"]\n[with.other]\nkernel_modules = ["m"]\n');
    const pid1 = feature('pid1', 'description = "p"\ninclude = "optional"\n');
    const other = feature('other', 'description = "o"\ninclude = "optional"\n');
    const all = featureMap(base, stack, pid1, other);
    const get = (add: string[]): FeatureManifest | undefined => selectFeatures(all, sel({ add })).find((s) => s.feature.name === 'stack')?.feature;
    expect(get(['stack'])).toBe(stack);
    expect(get(['stack', 'pid1'])).toMatchObject({ binaries: ['tool', 'udev-helper'], systemd_units: ['x.timer'], dlopen: ['cryptsetup'], kernel_modules: [] });
    expect(get(['stack', 'pid1', 'other'])).toMatchObject({ binaries: ['tool', 'udev-helper'], kernel_modules: ['m'] });
    expect(stack.binaries).toEqual(['tool']); // the loaded manifest is not changed
  });

  it('always and default features, not optional ones, each with why', () => {
    expect(picked(ALL)).toEqual({
      base: 'always included',
      'rootfs-block': 'always included',
      fsck: 'default',
      lvm: 'default (sysroot has lvm, dmsetup)',
    });
  });

  it('returns features sorted by name and the manifests themselves', () => {
    const out = selectFeatures(ALL, sel({ add: ['nfs', 'crypt'] }));
    const names = out.map((s) => s.feature.name);
    expect(names).toEqual([...names].sort());
    expect(out.find((s) => s.feature.name === 'crypt')?.feature).toBe(crypt);
  });

  it('a default feature joins only when the sysroot has every required binary', () => {
    expect(picked(ALL, { hasBinary: (n) => n === 'lvm' })).not.toHaveProperty('lvm');
    expect(picked(ALL, { hasBinary: (n) => n === 'dmsetup' })).not.toHaveProperty('lvm');
    expect(picked(ALL, { hasBinary: (n) => n === 'lvm' || n === 'dmsetup' })).toHaveProperty('lvm');
  });

  it('a default feature with unless_binaries joins only when the sysroot has none of them', () => {
    const userspace = feature('userspace', 'description = "u"\ninclude = "default"\nunless_binaries = ["busybox"]\n');
    const all = featureMap(base, userspace);
    expect(picked(all, { hasBinary: (n) => n === 'busybox' })).not.toHaveProperty('userspace');
    expect(picked(all, { hasBinary: () => false })).toHaveProperty('userspace', 'default (sysroot has no busybox)');
    expect(picked(all, { add: ['userspace'], hasBinary: () => true })).toHaveProperty('userspace', 'requested with --add');
  });

  it('requires_binaries does not gate an explicitly added optional feature', () => {
    expect(picked(ALL, { add: ['crypt'], hasBinary: () => false })).toHaveProperty('crypt', 'requested with --add');
  });

  it('--omit removes a default feature', () => {
    const out = picked(ALL, { omit: ['fsck', 'lvm'] });
    expect(out).not.toHaveProperty('fsck');
    expect(out).not.toHaveProperty('lvm');
    expect(out).toHaveProperty('base');
  });

  it('--omit of an "always" feature is ignored (silently): base stays', () => {
    expect(picked(ALL, { omit: ['base', 'rootfs-block'] })).toMatchObject({ base: 'always included', 'rootfs-block': 'always included' });
  });

  it('--add pulls in the depends closure, transitively, with the chain as why', () => {
    expect(picked(ALL, { add: ['crypt'] })).toMatchObject({ crypt: 'requested with --add', dm: 'needed by crypt', udev: 'needed by dm' });
  });

  it('a dependency that was omitted comes back when something needs it', () => {
    const needsFsck = feature('needs-fsck', 'description = "n"\ninclude = "optional"\ndepends = ["fsck"]\n');
    const all = featureMap(...ALL.values(), needsFsck);
    expect(picked(all, { omit: ['fsck'], add: ['needs-fsck'] })).toHaveProperty('fsck', 'needed by needs-fsck');
  });

  it('a depends cycle terminates with both features', () => {
    const a = feature('a', 'description = "a"\ndepends = ["b"]\n');
    const b = feature('b', 'description = "b"\ndepends = ["a"]\n');
    expect(picked(featureMap(a, b), { add: ['a'] })).toEqual({ a: 'requested with --add', b: 'needed by a' });
  });

  it('detected features join (unless omitted), as "detected on the host"', () => {
    expect(picked(ALL, { detected: ['crypt'] })).toMatchObject({ crypt: 'detected on the host', dm: 'needed by crypt' });
    expect(picked(ALL, { detected: ['nfs'], omit: ['nfs'] })).not.toHaveProperty('nfs');
  });

  it('unknown --add, --omit, detected or depends names are UnknownFeatureError listing what exists', () => {
    const available = [...ALL.keys()].join(', ');
    const tries: [Partial<FeatureSelection>, string][] = [
      [{ add: ['lvm2'] }, '--add'],
      [{ omit: ['plymouth'] }, '--omit'],
      [{ detected: ['zfs'] }, 'detected'],
    ];
    for (const [over, flag] of tries) {
      const err = unknownError(() => selectFeatures(ALL, sel(over)));
      expect(err.message).toContain(flag);
      expect(err.message).toContain(`available: ${available}`);
    }
    const broken = feature('broken', 'description = "x"\ninclude = "always"\ndepends = ["ghost"]\n');
    const err = unknownError(() => selectFeatures(featureMap(base, broken), sel()));
    expect(err.message).toContain("unknown feature 'ghost'");
    expect(err.message).toContain('available: base, broken');
  });

  // Regression (a bug this test found, now fixed): select-features.ts queues an unknown dependency before checking it, so the error is
  // raised while expanding the ghost itself and names it as its own dependent: "unknown feature
  // 'ghost' (depends of ghost)". The manifest with the typo (broken) is never named.
  it('an unknown depends names the feature that depends on it', () => {
    const broken = feature('broken', 'description = "x"\ninclude = "always"\ndepends = ["ghost"]\n');
    const err = unknownError(() => selectFeatures(featureMap(base, broken), sel()));
    expect(err.message).toContain("unknown feature 'ghost' (depends of broken)");
  });

  it('asks the check script (applies) only for default features, and leaves out those it rejects', () => {
    const applies = vi.fn((f: FeatureManifest) => f.name !== 'fsck');
    const out = picked(ALL, { applies, add: ['nfs'] });
    expect(out).not.toHaveProperty('fsck');
    expect(out).toHaveProperty('lvm');
    expect(applies.mock.calls.map(([f]) => f.name).sort()).toEqual(['fsck', 'lvm']);
  });

  it('a default feature whose binaries are missing is not asked (no check script run for nothing)', () => {
    const applies = vi.fn((_f: FeatureManifest) => true);
    picked(ALL, { applies, hasBinary: () => false });
    expect(applies.mock.calls.map(([f]) => f.name)).toEqual(['fsck']);
  });

});
