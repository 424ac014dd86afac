// A merged-/usr x86_64 sysroot with ld.so and libc, for the resolver tests.
import { makeElf, type MakeElfOptions } from '../../support/make-elf.js';
import type { NeededFile } from '../../../src/elf/library-resolver.js';
import { link, type TreeNode } from './sysroot-tree.js';

export const LD_SO = '/lib64/ld-linux-x86-64.so.2';

export function baseRoot(extra: Record<string, TreeNode> = {}): Record<string, TreeNode> {
  return {
    bin: link('usr/bin'),
    lib: link('usr/lib'),
    lib64: link('usr/lib64'),
    'usr/lib64/ld-linux-x86-64.so.2': link('../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'),
    'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2': makeElf({ soname: 'ld-linux-x86-64.so.2', dynamic: true }),
    'usr/lib/x86_64-linux-gnu/libc.so.6': makeElf({ soname: 'libc.so.6', needed: ['ld-linux-x86-64.so.2'] }),
    ...extra,
  };
}

/** A dynamically linked x86_64 program that also needs libc. */
export function program(opts: MakeElfOptions = {}): Buffer {
  return makeElf({ type: 'exec', interpreter: LD_SO, ...opts, needed: [...(opts.needed ?? []), 'libc.so.6'] });
}

/** A shared library. */
export function lib(soname: string, opts: MakeElfOptions = {}): Buffer {
  return makeElf({ soname, dynamic: true, ...opts });
}

/** The final file a DT_NEEDED name resolved to. */
export function fileFor(files: NeededFile[], needed: string): string | undefined {
  return files.find((f) => f.kind === 'file' && f.reason.startsWith(`library ${needed} of`))?.path;
}

export function filePaths(files: NeededFile[]): string[] {
  return files.filter((f) => f.kind === 'file').map((f) => f.path);
}
