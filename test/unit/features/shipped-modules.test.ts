// The feature modules shipped in modules.d: every manifest parses, names only files that exist and
// features that exist, and every shell script is valid for the host's /bin/sh and for the image's
// busybox ash (the fixture busybox-static, the same binary the images carry).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { parseManifest, type FeatureManifest } from '../../../src/features/manifest.js';
import { busyboxRoot } from '../../support/fixtures.js';

const names = readdirSync(BUILTIN_MODULES_D)
  .filter((n) => existsSync(join(BUILTIN_MODULES_D, n, 'module.toml')))
  .sort();

function manifestOf(name: string): FeatureManifest {
  const file = join(BUILTIN_MODULES_D, name, 'module.toml');
  return parseManifest(readFileSync(file, 'utf8'), name, join(BUILTIN_MODULES_D, name), file);
}

/** Every shell script of a feature: hooks, .sh files it installs, build-time scripts. */
function scriptsOf(m: FeatureManifest): string[] {
  const own = [
    ...m.hooks.map((h) => h.script),
    ...m.files.flatMap((f) => (f.source?.endsWith('.sh') ? [f.source] : [])),
    ...(m.check_script ? [m.check_script] : []),
    ...(m.install_script ? [m.install_script] : []),
  ];
  return [...new Set(own)].map((s) => join(m.dir, s));
}

const syntax = (argv: string[]): { status: number | null; stderr: string } => {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
};

describe('shipped modules.d', () => {
  it('holds the features the generic image is made of', () => {
    for (const n of ['base', 'rootfs-block', 'kernel-modules', 'fsck', 'systemd']) expect(names).toContain(n);
  });

  for (const name of names) {
    describe(name, () => {
      it('manifest parses, and its depends name shipped features', () => {
        const m = manifestOf(name);
        expect(m.description.length).toBeGreaterThan(0);
        for (const d of m.depends) expect(names, `${name} depends on ${d}`).toContain(d);
        expect(m.depends).not.toContain(name);
      });

      it('every file, hook and build-time script it names exists as a regular file', () => {
        const m = manifestOf(name);
        const named = [
          ...m.files.flatMap((f) => (f.source !== undefined ? [f.source] : [])),
          ...m.hooks.map((h) => h.script),
          ...(m.check_script ? [m.check_script] : []),
          ...(m.install_script ? [m.install_script] : []),
        ];
        for (const f of named) expect(statSync(join(m.dir, f), { throwIfNoEntry: false })?.isFile(), `${name}/${f}`).toBe(true);
      });

      it('every shell script passes `sh -n` (host /bin/sh) and `busybox sh -n`', () => {
        const busybox = join(busyboxRoot(), 'bin/busybox');
        for (const script of scriptsOf(manifestOf(name))) {
          const host = syntax(['/bin/sh', '-n', script]);
          expect(host, `/bin/sh -n ${script}`).toEqual({ status: 0, stderr: '' });
          const bb = syntax([busybox, 'sh', '-n', script]);
          expect(bb, `busybox sh -n ${script}`).toEqual({ status: 0, stderr: '' });
        }
      });
    });
  }

  it('the syntax check can fail: a broken script is rejected by both shells', () => {
    const busybox = join(busyboxRoot(), 'bin/busybox');
    const r1 = spawnSync('/bin/sh', ['-n', '-c', 'if true; then echo x']);
    const r2 = spawnSync(busybox, ['sh', '-n', '-c', 'if true; then echo x']);
    expect(r1.status).not.toBe(0);
    expect(r2.status).not.toBe(0);
  });
});
