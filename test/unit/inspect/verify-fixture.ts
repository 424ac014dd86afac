// A small image that passes verify: merged /usr, ld.so + libc, a dynamically linked /bin/sh, a shell
// /init, three modules for ext4 with modules.dep and modules.builtin, and rootfstype=ext4. Tests
// break one thing at a time and expect exactly the problem it causes.
import { makeElf, type MakeElfOptions } from '../../support/make-elf.js';
import { makeKo } from '../../support/make-ko.js';
import { file, link, parents, type Rec } from './image-builder.js';

export const KVER = '6.1.0-test';
export const MODDIR = `usr/lib/modules/${KVER}`;
export const LD_SO = '/lib64/ld-linux-x86-64.so.2';
export const GOOD_INIT = '#!/bin/sh\nset -e\nmount -t proc proc /proc\nif [ -e /sysroot ]; then exec switch_root /sysroot /sbin/init; fi\n';

export function program(opts: MakeElfOptions = {}): Buffer {
  return makeElf({ type: 'exec', interpreter: LD_SO, ...opts, needed: [...(opts.needed ?? []), 'libc.so.6'] });
}

export function library(soname: string, opts: MakeElfOptions = {}): Buffer {
  return makeElf({ soname, dynamic: true, ...opts });
}

export function module(name: string, depends: string[] = [], vermagic = KVER): Buffer {
  return makeKo({ modinfo: [['depends', depends.join(',')], ['name', name], ['vermagic', `${vermagic} SMP preempt mod_unload modversions`]] });
}

export interface FixtureParts {
  init?: Rec | undefined;
  extra?: Rec[];
  modulesDep?: string;
  /** Replace records by name (undefined removes one). */
  replace?: Record<string, Rec | undefined>;
}

export const MODULES_DEP = 'kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko kernel/fs/mbcache.ko\nkernel/fs/jbd2/jbd2.ko:\nkernel/fs/mbcache.ko:\n';

export function goodRecords(parts: FixtureParts = {}): Rec[] {
  const files: Rec[] = [
    link('bin', 'usr/bin'),
    link('lib', 'usr/lib'),
    link('lib64', 'usr/lib64'),
    file('usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', library('ld-linux-x86-64.so.2'), 0o755),
    file('usr/lib/x86_64-linux-gnu/libc.so.6', library('libc.so.6', { needed: ['ld-linux-x86-64.so.2'] }), 0o755),
    link('usr/lib64/ld-linux-x86-64.so.2', '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'),
    file('usr/bin/sh', program(), 0o755),
    file(`${MODDIR}/kernel/fs/ext4/ext4.ko`, module('ext4', ['jbd2', 'mbcache', 'crc16'])),
    file(`${MODDIR}/kernel/fs/jbd2/jbd2.ko`, module('jbd2')),
    file(`${MODDIR}/kernel/fs/mbcache.ko`, module('mbcache')),
    file(`${MODDIR}/modules.dep`, parts.modulesDep ?? MODULES_DEP),
    file(`${MODDIR}/modules.builtin`, 'kernel/lib/crc16.ko\nkernel/fs/tmpfs.ko\n'),
    file('etc/cmdline.d/10-root.conf', 'root=/dev/vda rw rootfstype=ext4\n'),
    ...(parts.extra ?? []),
  ];
  const replaced = files.flatMap((r) => {
    if (parts.replace === undefined || !(r.name in parts.replace)) return [r];
    const swap = parts.replace[r.name];
    return swap === undefined ? [] : [swap];
  });
  const init = 'init' in parts ? parts.init : file('init', GOOD_INIT, 0o755);
  const dirs = parents(...replaced.map((r) => r.name)).filter((d) => !replaced.some((r) => r.name === d.name));
  return [...dirs, ...(init ? [init] : []), ...replaced];
}
