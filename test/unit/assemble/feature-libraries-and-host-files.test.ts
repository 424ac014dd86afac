// assemblePlan: a feature's `libraries` (found as ld.so would, or a build-time error, or a note when
// optional), and host-only's generated version of a sysroot file (the root's crypttab entries) taking
// the place of a feature's copy of that file instead of conflicting with it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemblePlan } from '../../../src/assemble/assemble-plan.js';
import type { Plan } from '../../../src/assemble/plan.js';
import { NotBootableError } from '../../../src/errors.js';
import { loadFeatures } from '../../../src/features/load-features.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { makeElf } from '../../support/make-elf.js';
import { FEATURES_ONLY, tempDirs } from './helpers.js';

const temp = tempDirs('mkits-featlib-');
const FEATURE = 'etc/mkinitramfs-ts/modules.d/demo';

function sysroot(manifest: string, files: Record<string, string | Buffer> = {}): string {
  const root = temp();
  for (const [p, data] of Object.entries({ [`${FEATURE}/module.toml`]: `description = "d"\n${manifest}`, ...files })) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), data);
  }
  return root;
}

function plan(root: string, extraFiles?: { path: string; content: string; why: string }[]): Promise<Plan> {
  const host = new FsHost({ root });
  const feature = loadFeatures(host, temp()).get('demo');
  if (!feature) throw new Error('feature demo not loaded');
  return assemblePlan({ host, ...FEATURES_ONLY, ...(extraFiles ? { extraFiles } : {}), features: [{ feature, why: 'requested with --add' }] });
}

describe('a feature’s libraries', () => {
  it('are found in a library directory and come with a reason naming them', async () => {
    const root = sysroot('libraries = ["libdemo.so.0", "plugins/libdemo-plugin.so?"]\n', {
      'usr/lib/libdemo.so.0': makeElf({ soname: 'libdemo.so.0', dynamic: true }),
      'usr/lib/plugins/libdemo-plugin.so': makeElf({ soname: 'libdemo-plugin.so', dynamic: true }),
    });
    const p = await plan(root);
    expect(p.entries.find((e) => e.path === '/usr/lib/libdemo.so.0')?.reasons[0]?.why).toMatch(/feature demo: library libdemo\.so\.0/);
    expect(p.entries.some((e) => e.path === '/usr/lib/plugins/libdemo-plugin.so')).toBe(true);
  });

  it('a missing one stops the build; a missing optional one is a note', async () => {
    await expect(plan(sysroot('libraries = ["libnone.so.1"]\n'))).rejects.toThrow(NotBootableError);
    await expect(plan(sysroot('libraries = ["libnone.so.1"]\n'))).rejects.toThrow(/feature demo needs library libnone\.so\.1/);
    const p = await plan(sysroot('libraries = ["libnone.so.1?"]\n'));
    expect(p.notes).toContainEqual({ subject: 'libnone.so.1', text: 'optional library libnone.so.1 not in the sysroot: skipped', reasons: ['feature demo'] });
  });
});

describe("host-only's generated sysroot files", () => {
  it("replace a feature's copy of the same file (no conflict); without them the sysroot's copy stays", async () => {
    const root = sysroot('[[files]]\nfrom_sysroot = "/etc/crypttab"\noptional = true\n', { 'etc/crypttab': 'home UUID=1 /etc/keys/home.key\nroot UUID=2 none luks\n' });
    const generated = '# root only\nroot UUID=2 none luks\n';
    const p = await plan(root, [{ path: '/etc/crypttab', content: generated, why: 'generated: the root entries' }]);
    const e = p.entries.find((x) => x.path === '/etc/crypttab');
    expect(e?.type === 'file' && e.content !== undefined ? String(e.content) : undefined).toBe(generated);
    const plain = (await plan(root)).entries.find((x) => x.path === '/etc/crypttab');
    expect(plain?.type === 'file' ? plain.source : undefined).toBe(join(root, 'etc/crypttab'));
  });
});
