import { afterEach, describe, expect, it } from 'vitest';
import { BadElfError, ExitCode, NotFoundError } from '../../../src/errors.js';
import { findExecutable, resolveBinaries, resolveFiles } from '../../../src/elf/library-resolver.js';
import { EM_AARCH64, EM_386, makeElf } from '../../support/make-elf.js';
import { baseRoot, fileFor, filePaths, lib, program } from './resolver-fixture.js';
import { link, makeSysroot, type Sysroot } from './sysroot-tree.js';

let sys: Sysroot | undefined;
afterEach(() => sys?.cleanup());
const setup = (spec: Parameters<typeof makeSysroot>[0]): Sysroot => (sys = makeSysroot(spec));

describe('resolveBinaries: files and symlink chains', () => {
  it('lists the binary, its interpreter and libraries with every symlink on the way, with reasons', () => {
    const { host } = setup(
      baseRoot({
        'usr/bin/dash': program({ needed: ['libfoo.so.1'] }),
        'usr/bin/sh': link('dash'),
        'usr/lib/x86_64-linux-gnu/libfoo.so.1': link('libfoo.so.1.2.3'),
        'usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3': lib('libfoo.so.1'),
      }),
    );
    const libReason = 'library libfoo.so.1 of /usr/bin/dash';
    const interp = 'interpreter of /usr/bin/dash';
    expect(resolveBinaries(host, ['/bin/sh'])).toEqual([
      { path: '/bin', kind: 'symlink', linkTarget: 'usr/bin', reason: 'binary requested' },
      { path: '/usr/bin/sh', kind: 'symlink', linkTarget: 'dash', reason: 'binary requested' },
      { path: '/usr/bin/dash', kind: 'file', reason: 'binary requested' },
      { path: '/lib64', kind: 'symlink', linkTarget: 'usr/lib64', reason: interp, via: '/usr/bin/dash' },
      {
        path: '/usr/lib64/ld-linux-x86-64.so.2',
        kind: 'symlink',
        linkTarget: '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
        reason: interp,
        via: '/usr/bin/dash',
      },
      { path: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2', kind: 'file', reason: interp, via: '/usr/bin/dash' },
      { path: '/lib', kind: 'symlink', linkTarget: 'usr/lib', reason: libReason, via: '/usr/bin/dash' },
      { path: '/usr/lib/x86_64-linux-gnu/libfoo.so.1', kind: 'symlink', linkTarget: 'libfoo.so.1.2.3', reason: libReason, via: '/usr/bin/dash' },
      { path: '/usr/lib/x86_64-linux-gnu/libfoo.so.1.2.3', kind: 'file', reason: libReason, via: '/usr/bin/dash' },
      {
        path: '/usr/lib/x86_64-linux-gnu/libc.so.6',
        kind: 'file',
        reason: 'library libc.so.6 of /usr/bin/dash',
        via: '/usr/bin/dash',
      },
    ]);
  });

  it('deduplicates across binaries, deterministically, and satisfies a needed name by a loaded SONAME', () => {
    const { host } = setup(baseRoot({ 'usr/bin/a': program(), 'usr/bin/b': program() }));
    const once = resolveBinaries(host, ['/usr/bin/a', '/usr/bin/b', '/usr/bin/a']);
    expect(resolveBinaries(host, ['/usr/bin/a', '/usr/bin/b'])).toEqual(once);
    const paths = once.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    // libc needs ld-linux-x86-64.so.2, which is in no search dir: the loaded interpreter answers it.
    expect(filePaths(once)).toEqual([
      '/usr/bin/a',
      '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '/usr/bin/b',
    ]);
  });

  it('resolves a static binary to itself', () => {
    const { host } = setup({ 'bin/busybox': makeElf({ type: 'exec' }) });
    expect(resolveBinaries(host, ['/bin/busybox'])).toEqual([{ path: '/bin/busybox', kind: 'file', reason: 'binary requested' }]);
  });
});

describe('resolveBinaries: search order', () => {
  const foo = lib('libfoo.so');
  const where = (extra: Parameters<typeof baseRoot>[0], bin = '/usr/bin/x'): string | undefined => {
    const { host } = setup(baseRoot(extra));
    return fileFor(resolveBinaries(host, [bin]), 'libfoo.so');
  };

  it('DT_RUNPATH overrides DT_RPATH of the same object', () => {
    const both = { 'opt/r/libfoo.so': foo, 'opt/u/libfoo.so': foo };
    expect(where({ ...both, 'usr/bin/x': program({ needed: ['libfoo.so'], rpath: '/opt/r' }) })).toBe('/opt/r/libfoo.so');
    sys?.cleanup();
    expect(where({ ...both, 'usr/bin/x': program({ needed: ['libfoo.so'], rpath: '/opt/r', runpath: '/opt/u' }) })).toBe('/opt/u/libfoo.so');
  });

  it('searches RPATH, then RUNPATH, then ld.so.conf dirs, then default dirs', () => {
    const conf = { 'etc/ld.so.conf': 'include ld.so.conf.d/*.conf\n', 'etc/ld.so.conf.d/local.conf': '/usr/local/lib\n' };
    const inDefault = { 'usr/lib/libfoo.so': foo };
    const inConf = { ...conf, ...inDefault, 'usr/local/lib/libfoo.so': foo };
    const x = (o: object): object => ({ 'usr/bin/x': program({ needed: ['libfoo.so'], ...o }) });
    expect(where({ ...inDefault, ...x({}) })).toBe('/usr/lib/libfoo.so');
    sys?.cleanup();
    expect(where({ ...inConf, ...x({}) })).toBe('/usr/local/lib/libfoo.so');
    sys?.cleanup();
    expect(where({ ...inConf, 'opt/u/libfoo.so': foo, ...x({ runpath: '/opt/u' }) })).toBe('/opt/u/libfoo.so');
    sys?.cleanup();
    expect(where({ ...inConf, 'opt/r/libfoo.so': foo, ...x({ rpath: '/nowhere:/opt/r' }) })).toBe('/opt/r/libfoo.so');
  });

  it('prefers the multiarch dir over /lib64 over /lib among the default dirs', () => {
    const x = { 'usr/bin/x': program({ needed: ['libfoo.so'] }) };
    expect(where({ ...x, 'usr/lib64/libfoo.so': foo, 'usr/lib/libfoo.so': foo })).toBe('/usr/lib64/libfoo.so');
    sys?.cleanup();
    expect(where({ ...x, 'usr/lib64/libfoo.so': foo, 'usr/lib/x86_64-linux-gnu/libfoo.so': foo })).toBe(
      '/usr/lib/x86_64-linux-gnu/libfoo.so',
    );
  });

  it('inherits DT_RPATH down the loading chain, but not through an object with DT_RUNPATH', () => {
    const chain = (libaOpts: object): Parameters<typeof baseRoot>[0] => ({
      'usr/bin/x': program({ needed: ['liba.so'], rpath: '/opt/r' }),
      'usr/lib/liba.so': lib('liba.so', { needed: ['libb.so'], ...libaOpts }),
      'usr/lib/libb.so': lib('libb.so', { needed: ['libfoo.so'] }),
      'opt/r/libfoo.so': foo,
    });
    expect(where(chain({}))).toBe('/opt/r/libfoo.so'); // libb -> liba -> x's RPATH
    sys?.cleanup();
    expect(where(chain({ rpath: '/opt/a' }))).toBe('/opt/r/libfoo.so'); // liba's RPATH adds, x's still inherited
    sys?.cleanup();
    // libb's own RUNPATH disables every inherited RPATH for libb's needs.
    const { host } = setup(
      baseRoot({ ...chain({}), 'usr/lib/libb.so': lib('libb.so', { needed: ['libfoo.so'], runpath: '/opt/none' }) }),
    );
    expect(() => resolveBinaries(host, ['/usr/bin/x'])).toThrow(/library libfoo\.so, needed by \/usr\/lib\/libb\.so/);
  });

  it('does not inherit DT_RUNPATH', () => {
    const { host } = setup(
      baseRoot({
        'usr/bin/x': program({ needed: ['liba.so'], runpath: '/opt/u' }),
        'opt/u/liba.so': lib('liba.so', { needed: ['libfoo.so'] }),
        'opt/u/libfoo.so': foo,
      }),
    );
    expect(() => resolveBinaries(host, ['/usr/bin/x'])).toThrow(BadElfError);
  });

  it('expands $ORIGIN from the real program path and from the path a library was found by', () => {
    expect(
      where(
        {
          'usr/bin/x': link('/opt/app/bin/app'),
          'opt/app/bin/app': program({ needed: ['libapp.so'], runpath: '$ORIGIN/../lib' }),
          'opt/app/lib/libapp.so': lib('libapp.so', { needed: ['libfoo.so'], runpath: '${ORIGIN}/private' }),
          'opt/app/lib/private/libfoo.so': foo,
        },
        '/usr/bin/x',
      ),
    ).toBe('/opt/app/lib/private/libfoo.so');
  });

  it('expands $LIB to the multiarch dir and $PLATFORM to the machine', () => {
    expect(
      where({ 'usr/bin/x': program({ needed: ['libfoo.so'], rpath: '/opt/$LIB/$PLATFORM' }), 'opt/lib/x86_64-linux-gnu/x86_64/libfoo.so': foo }),
    ).toBe('/opt/lib/x86_64-linux-gnu/x86_64/libfoo.so');
  });

  it('skips candidates of another ELF class or machine, as ld.so does', () => {
    const x = { 'usr/bin/x': program({ needed: ['libfoo.so'] }), 'usr/lib/libfoo.so': foo };
    expect(where({ ...x, 'usr/lib/x86_64-linux-gnu/libfoo.so': lib('libfoo.so', { elfClass: 32, machine: EM_386 }) })).toBe(
      '/usr/lib/libfoo.so',
    );
    sys?.cleanup();
    expect(where({ ...x, 'usr/lib64/libfoo.so': lib('libfoo.so', { machine: EM_AARCH64 }) })).toBe('/usr/lib/libfoo.so');
  });

  it('resolves ELF32 and big-endian programs with their own ABI defaults', () => {
    const ld32 = '/lib/ld-linux.so.2';
    const { host } = setup({
      'usr/bin/x32': makeElf({ type: 'exec', elfClass: 32, machine: EM_386, interpreter: ld32, needed: ['libc.so.6'] }),
      'lib/ld-linux.so.2': makeElf({ elfClass: 32, machine: EM_386, soname: 'ld-linux.so.2' }),
      'lib/x86_64-linux-gnu/libc.so.6': lib('libc.so.6'),
      'lib32/libc.so.6': lib('libc.so.6', { elfClass: 32, machine: EM_386 }),
      'usr/bin/be': makeElf({ type: 'exec', elfClass: 64, littleEndian: false, machine: EM_AARCH64, interpreter: '/lib/ld-be.so.1', needed: ['libc.so.6'] }),
      'lib/ld-be.so.1': makeElf({ littleEndian: false, machine: EM_AARCH64, soname: 'ld-be.so.1' }),
      'lib/aarch64_be-linux-gnu/libc.so.6': lib('libc.so.6', { littleEndian: false, machine: EM_AARCH64 }),
    });
    expect(fileFor(resolveBinaries(host, ['/usr/bin/x32']), 'libc.so.6')).toBe('/lib32/libc.so.6');
    expect(fileFor(resolveBinaries(host, ['/usr/bin/be']), 'libc.so.6')).toBe('/lib/aarch64_be-linux-gnu/libc.so.6');
  });
});

describe('resolveBinaries: errors', () => {
  it('names the missing library, the binary and the dirs searched', () => {
    const { host } = setup(baseRoot({ 'usr/bin/x': program({ needed: ['libgone.so.7'], runpath: '/opt/u' }) }));
    let err: unknown;
    try {
      resolveBinaries(host, ['/usr/bin/x']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BadElfError);
    expect((err as BadElfError).exitCode).toBe(ExitCode.badElf);
    const msg = (err as Error).message;
    expect(msg).toContain('library libgone.so.7, needed by /usr/bin/x (for /usr/bin/x)');
    expect(msg).toContain('searched /opt/u:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:/lib:/usr/lib');
    expect(msg).not.toContain('\n');
  });

  it('turns truncated and garbage files into typed errors', () => {
    const full = program();
    const { host } = setup(
      baseRoot({
        'usr/bin/garbage': 'just some text\n',
        'usr/bin/short': full.subarray(0, 30),
        'usr/bin/cut': full.subarray(0, 100), // header fine, program headers beyond the end
        'usr/bin/badlib': program({ needed: ['libbad.so'] }),
        'usr/lib/libbad.so': Buffer.from('\x7fELF garbage that is not an ELF header'),
        'usr/bin/exec-as-lib': program({ needed: ['libexec.so'] }),
        'usr/lib/libexec.so': makeElf({ type: 'exec' }),
        'usr/bin/wrong-order': program({ needed: ['libbe.so'] }),
        'usr/lib/libbe.so': lib('libbe.so', { littleEndian: false }),
        'usr/bin/object.o': makeElf({ type: 'rel' }),
      }),
    );
    const cases: Array<[string, RegExp]> = [
      ['/usr/bin/garbage', /neither an ELF executable nor a #! script/],
      ['/usr/bin/short', /not a valid ELF file \(too short/],
      ['/usr/bin/cut', /truncated/],
      ['/usr/bin/badlib', /^\/lib\/libbad\.so: not a valid ELF file/],
      ['/usr/bin/exec-as-lib', /libexec\.so: not a shared object/],
      ['/usr/bin/wrong-order', /libbe\.so: ELF file data encoding not little-endian/],
      ['/usr/bin/object.o', /not a program or shared object/],
    ];
    for (const [bin, re] of cases) {
      expect(() => resolveBinaries(host, [bin]), bin).toThrow(BadElfError);
      expect(() => resolveBinaries(host, [bin]), bin).toThrow(re);
    }
    expect(() => resolveBinaries(host, ['/usr/bin/none'])).toThrow(NotFoundError);
  });

  it('rejects a missing or foreign interpreter', () => {
    const { host } = setup({
      'usr/bin/x': makeElf({ type: 'exec', interpreter: '/lib/ld-missing.so', needed: [] , dynamic: true }),
      'usr/bin/y': makeElf({ type: 'exec', interpreter: '/lib/ld32.so', dynamic: true }),
      'lib/ld32.so': makeElf({ elfClass: 32 }),
    });
    expect(() => resolveBinaries(host, ['/usr/bin/x'])).toThrow(/interpreter \/lib\/ld-missing\.so does not exist/);
    expect(() => resolveBinaries(host, ['/usr/bin/y'])).toThrow(/is ELF32 i386, the program ELF64 x86-64/);
  });
});

describe('resolveBinaries: scripts', () => {
  it('resolves a #! script through its interpreter and the interpreter libraries', () => {
    const { host } = setup(
      baseRoot({ 'usr/bin/dash': program(), 'usr/bin/sh': link('dash'), 'usr/sbin/hook': '#!/bin/sh -e\nexit 0\n' }),
    );
    const files = resolveBinaries(host, ['/usr/sbin/hook']);
    expect(files.slice(0, 4)).toEqual([
      { path: '/usr/sbin/hook', kind: 'file', reason: 'binary requested' },
      { path: '/bin', kind: 'symlink', linkTarget: 'usr/bin', reason: 'interpreter of /usr/sbin/hook', via: '/usr/sbin/hook' },
      { path: '/usr/bin/sh', kind: 'symlink', linkTarget: 'dash', reason: 'interpreter of /usr/sbin/hook', via: '/usr/sbin/hook' },
      { path: '/usr/bin/dash', kind: 'file', reason: 'interpreter of /usr/sbin/hook', via: '/usr/sbin/hook' },
    ]);
    expect(fileFor(files, 'libc.so.6')).toBe('/usr/lib/x86_64-linux-gnu/libc.so.6');
  });

  it('includes the program an env shebang runs, and nested script interpreters', () => {
    const { host } = setup(
      baseRoot({
        'usr/bin/env': program(),
        'usr/bin/python3': program({ needed: ['libpy.so'] }),
        'usr/lib/libpy.so': lib('libpy.so'),
        'usr/bin/tool': '#!/usr/bin/env python3\n',
        'usr/bin/wrapper': '#!/usr/bin/tool\n',
        'usr/bin/broken': '#!/usr/bin/env nosuchprog\n',
        'usr/bin/loop': '#!/usr/bin/loop\n',
        'usr/bin/relative': '#!sh\n',
      }),
    );
    const files = resolveBinaries(host, ['/usr/bin/wrapper']);
    expect(filePaths(files)).toEqual([
      '/usr/bin/wrapper',
      '/usr/bin/tool',
      '/usr/bin/env',
      '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '/usr/bin/python3',
      '/usr/lib/libpy.so',
    ]);
    expect(files.find((f) => f.path === '/usr/bin/python3')?.reason).toBe('program python3 run by /usr/bin/env for /usr/bin/tool');
    expect(() => resolveBinaries(host, ['/usr/bin/broken'])).toThrow(/runs nosuchprog through \/usr\/bin\/env/);
    expect(() => resolveBinaries(host, ['/usr/bin/loop'])).toThrow(/nested deeper than 4/);
    expect(() => resolveBinaries(host, ['/usr/bin/relative'])).toThrow(/not an absolute path/);
  });
});

describe('resolveFiles', () => {
  it('takes data, non-executable scripts and kernel objects as they are, and resolves programs and libraries', () => {
    const { host } = setup(
      baseRoot({
        'etc/fstab': '# nothing\n',
        'etc/conf': link('fstab'),
        'usr/lib/dracut-lib.sh': { data: '#!/bin/nonexistent\n', mode: 0o644 },
        'usr/lib/modules/x.ko': makeElf({ type: 'rel' }),
        'usr/lib/libnss_x.so.2': { data: lib('libnss_x.so.2', { needed: ['libc.so.6'] }), mode: 0o644 },
        'usr/bin/tool': program(),
        'usr/bin/hook': '#!/usr/bin/tool\n',
      }),
    );
    const files = resolveFiles(host, ['/etc/conf', '/usr/lib/dracut-lib.sh', '/usr/lib/modules/x.ko', '/usr/lib/libnss_x.so.2', '/usr/bin/hook']);
    expect(files.slice(0, 4)).toEqual([
      { path: '/etc/conf', kind: 'symlink', linkTarget: 'fstab', reason: 'file requested' },
      { path: '/etc/fstab', kind: 'file', reason: 'file requested' },
      { path: '/usr/lib/dracut-lib.sh', kind: 'file', reason: 'file requested' },
      { path: '/usr/lib/modules/x.ko', kind: 'file', reason: 'file requested' },
    ]);
    // A library asked for directly has no interpreter loaded: libc's ld-linux-x86-64.so.2 is searched for.
    expect(filePaths(files).slice(3)).toEqual([
      '/usr/lib/libnss_x.so.2',
      '/usr/lib/x86_64-linux-gnu/libc.so.6',
      '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      '/usr/bin/hook',
      '/usr/bin/tool',
    ]);
    // The same data file is no program.
    expect(() => resolveBinaries(host, ['/etc/fstab'])).toThrow(BadElfError);
    expect(() => resolveFiles(host, ['/etc'])).toThrow(NotFoundError);
  });
});

describe('findExecutable', () => {
  it('searches the root PATH in order and wants an executable file', () => {
    const { host } = setup({
      'usr/bin/tool': 'x',
      'usr/sbin/tool': 'x',
      'bin/only-bin': 'x',
      'usr/local/bin/data': { data: 'x', mode: 0o644 },
      'usr/bin/data': 'x',
      'usr/bin/dir/.keep': 'x',
    });
    expect(findExecutable(host, 'tool')).toBe('/usr/sbin/tool');
    expect(findExecutable(host, 'only-bin')).toBe('/bin/only-bin');
    expect(findExecutable(host, 'data')).toBe('/usr/bin/data');
    expect(findExecutable(host, 'dir')).toBeUndefined();
    expect(findExecutable(host, 'missing')).toBeUndefined();
    expect(findExecutable(host, '/usr/bin/tool')).toBe('/usr/bin/tool');
  });
});
