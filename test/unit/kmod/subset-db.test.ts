import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, ModulesDbError } from '../../../src/errors.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { openKmodDb, type KmodDb } from '../../../src/kmod/kmod-db.js';
import { buildSubsetDb, subsetDbOf } from '../../../src/kmod/subset-db.js';
import { fakeKernel, KVER } from './fake-kernel.js';
import type { TempTree } from './tree.js';

let tree: TempTree;
let db: KmodDb;
beforeAll(() => {
  tree = fakeKernel();
  db = openKmodDb(new FsHost({ root: tree.root }), KVER);
});
afterAll(() => tree.cleanup());

describe('subset-db', () => {
  it('writes modules.dep/alias/softdep/symbols/order for exactly the chosen modules, lines in source order, dependencies in depmod order', () => {
    const names = db.resolve(['ext4']).modules.map((m) => m.name);
    const files = subsetDbOf(db, names);
    expect(files.get('modules.dep')).toBe(
      [
        'kernel/arch/x86/crypto/crc32c-intel.ko:',
        'kernel/crypto/crc32c_generic.ko:',
        'kernel/lib/crc16.ko:',
        'kernel/fs/mbcache.ko:',
        'kernel/fs/jbd2/jbd2.ko:',
        // depmod's stack-based topological sort: ext4 imports jbd2, crc16, mbcache in that order.
        'kernel/fs/ext4/ext4.ko: kernel/fs/mbcache.ko kernel/lib/crc16.ko kernel/fs/jbd2/jbd2.ko',
        '',
      ].join('\n'),
    );
    expect(files.get('modules.alias')).toBe(
      [
        '# Aliases extracted from modules themselves.',
        'alias crypto-crc32c crc32c_generic',
        'alias crc32c crc32c_intel',
        'alias crypto-crc32c crc32c_intel',
        'alias fs-ext4 ext4',
        '',
      ].join('\n'),
    );
    expect(files.get('modules.softdep')).toBe(
      [
        '# Soft dependencies extracted from modules themselves.',
        'softdep ext4 pre: crypto-crc32c',
        'softdep jbd2 pre: crypto-crc32c',
        'softdep crc16 mbcache',
        'softdep crc16 pre: mbcache',
        '',
      ].join('\n'),
    );
    expect(files.get('modules.symbols')).toContain('alias symbol:jbd2_journal_start jbd2\nalias symbol:jbd2_journal_stop jbd2\n');
    expect((files.get('modules.order') as string).split('\n').filter(Boolean)).toHaveLength(6);
    expect(files.get('modules.builtin')).toBe('kernel/fs/debugfs/debugfs.ko\nkernel/crypto/hmac.ko\n');
    expect(Buffer.from(files.get('modules.builtin.modinfo') as Uint8Array).toString()).toContain('debugfs.alias=fs-debugfs');
  });

  it('keeps the source order of dependencies when no depmod order is given', () => {
    const files = buildSubsetDb({ kmoddir: '/k', modulesDep: 'a.ko: c.ko b.ko\nb.ko:\nc.ko:\n' }, ['a', 'b', 'c']);
    expect(files.get('modules.dep')).toBe('a.ko: c.ko b.ko\nb.ko:\nc.ko:\n');
    const sorted = buildSubsetDb({ kmoddir: '/k', modulesDep: 'a.ko: c.ko b.ko\nb.ko:\nc.ko:\n' }, ['a', 'b', 'c'], new Map([['b', 1], ['c', 2]]));
    expect(sorted.get('modules.dep')).toBe('a.ko: b.ko c.ko\nb.ko:\nc.ko:\n');
  });

  it('refuses a set that lacks a dependency', () => {
    let err: unknown;
    try {
      buildSubsetDb({ kmoddir: '/k', modulesDep: 'a.ko: b.ko\nb.ko:\n' }, ['a']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ModulesDbError);
    expect((err as ModulesDbError).exitCode).toBe(ExitCode.badModulesDb);
    expect((err as Error).message).toBe('the module set is not closed: a needs b (resolve the set with its dependencies)');
  });
});
