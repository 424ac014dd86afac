// Bad input: every failure is a typed error with its exit code and a one-line message naming the file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode, MkError } from '../../../src/errors.js';
import { FsHost } from '../../../src/host/fs-host.js';
import type { Host } from '../../../src/host/host.js';
import { openKmodDb } from '../../../src/kmod/kmod-db.js';
import { readModinfo } from '../../../src/kmod/modinfo-reader.js';
import { makeKo } from '../../support/make-ko.js';
import { KDIR, KVER, makeTree, type TempTree } from './tree.js';

let tree: TempTree | undefined;
afterEach(() => tree?.cleanup());

function caught(fn: () => unknown): MkError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MkError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

function expectError(err: MkError, code: number, ...mentions: string[]): void {
  expect(err.exitCode).toBe(code);
  expect(err.message).not.toContain('\n');
  for (const m of mentions) expect(err.message).toContain(m);
}

const good = makeKo({ modinfo: [['name', 'a'], ['depends', '']] });

describe('kmod errors', () => {
  it('no kernel module directory → KernelDirError naming it', () => {
    tree = makeTree({ 'etc/hostname': 'x\n' });
    const err = caught(() => openKmodDb(new FsHost({ root: tree!.root }), KVER));
    expectError(err, ExitCode.badKernelDir, `/lib/modules/${KVER}`, '--kver');
  });

  it('no modules.dep → KernelDirError telling to run depmod', () => {
    tree = makeTree({ [`${KDIR}/kernel/a.ko`]: good });
    const err = caught(() => openKmodDb(new FsHost({ root: tree!.root }), KVER));
    expectError(err, ExitCode.badKernelDir, `/lib/modules/${KVER}/modules.dep`, `depmod -b ${tree.root} ${KVER}`);
  });

  it('a malformed modules.dep line → ModulesDbError with file and line', () => {
    tree = makeTree({ [`${KDIR}/modules.dep`]: 'kernel/a.ko:\nthis line has no colon\n' });
    const err = caught(() => openKmodDb(new FsHost({ root: tree!.root }), KVER));
    expectError(err, ExitCode.badModulesDb, `/lib/modules/${KVER}/modules.dep:2`, 'this line has no colon', 'depmod');
  });

  it('a malformed modules.alias line → ModulesDbError with file and line', () => {
    tree = makeTree({ [`${KDIR}/modules.dep`]: 'kernel/a.ko:\n', [`${KDIR}/modules.alias`]: '# c\nalias only-two\n' });
    const err = caught(() => openKmodDb(new FsHost({ root: tree!.root }), KVER));
    expectError(err, ExitCode.badModulesDb, `/lib/modules/${KVER}/modules.alias:2`);
  });

  it('modules.dep naming a missing file → ModulesDbError naming the file and the modules.dep line', () => {
    tree = makeTree({ [`${KDIR}/modules.dep`]: 'kernel/a.ko:\nkernel/gone.ko: kernel/a.ko\n', [`${KDIR}/kernel/a.ko`]: good });
    const db = openKmodDb(new FsHost({ root: tree.root }), KVER);
    const err = caught(() => db.resolve(['gone']));
    expectError(err, ExitCode.badModulesDb, `/lib/modules/${KVER}/modules.dep:2`, `/lib/modules/${KVER}/kernel/gone.ko`, 'depmod');
  });

  it.each([
    ['a directory', (p: string) => mkdirSync(p), ExitCode.badModule, 'which is a directory, not a regular file'],
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), ExitCode.badModule, 'which is a FIFO, not a regular file'],
    ['a dangling symlink', (p: string) => symlinkSync('../gone/b.ko', p), ExitCode.badModulesDb, 'a symlink to ../gone/b.ko, which does not exist'],
  ])('modules.dep naming %s → a typed error that says so, naming the file and the fix', (_what, make, code, says) => {
    tree = makeTree({ [`${KDIR}/modules.dep`]: 'kernel/a.ko:\nkernel/b.ko: kernel/a.ko\n', [`${KDIR}/kernel/a.ko`]: good });
    make(join(tree.root, KDIR, 'kernel/b.ko'));
    const err = caught(() => openKmodDb(new FsHost({ root: tree!.root }), KVER).resolve(['b']));
    expectError(err, code, `/lib/modules/${KVER}/modules.dep:2`, `/lib/modules/${KVER}/kernel/b.ko`, says, 'reinstall the kernel package');
  });

  it('an unknown module → BadModuleError naming the kernel and modules.dep', () => {
    tree = makeTree({ [`${KDIR}/modules.dep`]: 'kernel/a.ko:\n', [`${KDIR}/kernel/a.ko`]: good });
    const err = caught(() => openKmodDb(new FsHost({ root: tree!.root }), KVER).resolve(['foo']));
    expectError(err, ExitCode.badModule, `'foo'`, KVER, `/lib/modules/${KVER}`);
  });

  it.each([
    ['truncated .ko', good.subarray(0, 40), 'too short'],
    ['section table cut off', good.subarray(0, good.length - 20), 'beyond end of file'],
    ['garbage .ko', Buffer.from('this is not an ELF file at all, just some text..........'), 'bad magic'],
    ['ELF without .modinfo', makeKo({ modinfo: [], withoutModinfo: true }), 'no .modinfo'],
  ])('%s → BadModuleError naming the file', (_what, bytes, why) => {
    tree = makeTree({ 'm/x.ko': bytes });
    const err = caught(() => readModinfo(new FsHost({ root: tree!.root }), '/m/x.ko'));
    expectError(err, ExitCode.badModule, '/m/x.ko', why);
  });

  it.each([
    ['x.ko.gz', 'gzip'],
    ['x.ko.xz', 'xz'],
    ['x.ko.zst', 'zstd'],
  ])('corrupt compressed %s → BadModuleError naming the file', (name, tool) => {
    tree = makeTree({ [`m/${name}`]: Buffer.from('definitely not compressed data') });
    const err = caught(() => readModinfo(new FsHost({ root: tree!.root }), `/m/${name}`));
    expectError(err, ExitCode.badModule, `/m/${name}`, tool);
  });

  it('an unreadable module file → UnreadableError naming it', () => {
    tree = makeTree({ 'm/x.ko': good });
    const fs = new FsHost({ root: tree.root });
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const host: Host = Object.create(fs, {
      open: {
        value: (p: string) => {
          if (p === '/m/x.ko') throw Object.assign(new Error(), { ...denied });
          return fs.open(p);
        },
      },
    });
    // FsHost maps errors itself; a Host that throws raw errors must be mapped by the reader.
    const err = caught(() => readModinfo(host, '/m/x.ko'));
    expectError(err, ExitCode.unreadable, '/m/x.ko', 'permission denied');
  });

  it('a module path that is a directory → UnreadableError naming it', () => {
    tree = makeTree({ 'm/x.ko/keep': '' });
    const err = caught(() => readModinfo(new FsHost({ root: tree!.root }), '/m/x.ko'));
    expectError(err, ExitCode.unreadable, '/m/x.ko');
  });
});
