import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../../src/cli/main.js';
import { ExitCode } from '../../../../src/errors.js';
import { baseRoot, program } from '../../elf/resolver-fixture.js';
import { link, makeSysroot, type Sysroot } from '../../elf/sysroot-tree.js';

let sys: Sysroot | undefined;
afterEach(() => {
  sys?.cleanup();
  vi.restoreAllMocks();
});

async function ldd(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  const code = await main(['node', 'mkinitramfs-ts', 'ldd', ...args]);
  vi.restoreAllMocks();
  return { code, out, err };
}

describe('mkinitramfs-ts ldd', () => {
  it('prints every needed path, symlinks as path -> target, looking bare names up in the sysroot PATH', async () => {
    sys = makeSysroot(baseRoot({ 'usr/bin/dash': program(), 'usr/bin/sh': link('dash') }));
    const { code, out } = await ldd('--sysroot', sys.root, 'sh');
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      '/usr/bin/sh -> dash',
      '/usr/bin/dash',
      '/lib64 -> usr/lib64',
      '/usr/lib64/ld-linux-x86-64.so.2 -> ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      '/lib -> usr/lib', // libc is found in /lib/x86_64-linux-gnu, the first default dir
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '',
    ]);
  });

  it('prints JSON with reasons', async () => {
    sys = makeSysroot(baseRoot({ 'usr/bin/x': program() }));
    const { code, out } = await ldd('--sysroot', sys.root, '--json', '/usr/bin/x');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as Array<{ path: string; reason: string }>;
    expect(parsed.find((f) => f.path === '/usr/lib/x86_64-linux-gnu/libc.so.6')?.reason).toBe('library libc.so.6 of /usr/bin/x');
  });

  it('fails with one line and the right exit code for missing programs and libraries', async () => {
    sys = makeSysroot(baseRoot({ 'usr/bin/x': program({ needed: ['libgone.so'] }) }));
    const missing = await ldd('--sysroot', sys.root, 'nosuch');
    expect(missing.code).toBe(ExitCode.notFound);
    expect(missing.err).toMatch(/^mkinitramfs-ts: nosuch: not found on PATH in .*\n$/);
    const broken = await ldd('--sysroot', sys.root, 'x');
    expect(broken.code).toBe(ExitCode.badElf);
    expect(broken.err.trim().split('\n')).toHaveLength(1);
    expect(broken.err).toContain('library libgone.so, needed by /usr/bin/x');
  });
});
