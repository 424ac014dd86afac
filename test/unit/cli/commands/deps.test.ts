import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../../../../src/errors.js';
import { main } from '../../../../src/cli/main.js';
import { fakeKernel, KVER } from '../../kmod/fake-kernel.js';
import type { TempTree } from '../../kmod/tree.js';

let tree: TempTree;
beforeAll(() => {
  tree = fakeKernel();
});
afterAll(() => tree.cleanup());
afterEach(() => vi.restoreAllMocks());

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const code = await main(['node', 'mkinitramfs-ts', 'deps', '--sysroot', tree.root, '--kver', KVER, ...args]);
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('mkinitramfs-ts deps', () => {
  it('prints the module files in load order, one in-root path a line', async () => {
    const r = await run('ext4', 'fs-debugfs');
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter(Boolean).map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual([
      'crc32c-intel.ko',
      'crc32c_generic.ko',
      'jbd2.ko',
      'mbcache.ko',
      'crc16.ko',
      'ext4.ko',
    ]);
    expect(r.out).toMatch(new RegExp(`^/lib/modules/${KVER}/kernel/`));
    expect(r.err).toContain('built into the kernel: debugfs');
  });

  it('prints JSON with reasons', async () => {
    const r = await run('--json', 'my-disk');
    const json = JSON.parse(r.out) as { modules: Array<{ name: string; reasons: string[] }> };
    expect(json.modules.map((m) => m.name)).toEqual(['virtio', 'virtio_ring', 'virtio_blk', 'virtio_pci']);
    expect(json.modules[2]?.reasons).toEqual(['alias my-disk']);
  });

  it('fails with the bad-module exit code and one line for an unknown name', async () => {
    const r = await run('nosuch');
    expect(r.code).toBe(ExitCode.badModule);
    expect(r.err).toBe(`mkinitramfs-ts: unknown module or alias 'nosuch' for kernel ${KVER} (modules.dep in /lib/modules/${KVER})\n`);
  });

  it('fails with the kernel-dir exit code for a kernel that is not there', async () => {
    const r = await run('--kver', '0.0-none', 'ext4');
    expect(r.code).toBe(ExitCode.badKernelDir);
    expect(r.err).toMatch(/\/lib\/modules\/0\.0-none: no such directory/);
  });
});
