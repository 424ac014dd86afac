import { afterEach, describe, expect, it } from 'vitest';
import { globInRoot } from '../../../src/elf/conf-glob.js';
import { parseLdSoConf, readLdSoConfDirs } from '../../../src/elf/ld-so-conf.js';
import { dir, link, makeSysroot, type Sysroot } from './sysroot-tree.js';

let sys: Sysroot | undefined;
afterEach(() => sys?.cleanup());

describe('parseLdSoConf', () => {
  it('reads dirs, include patterns, and drops comments, hwcap lines and =TYPE tags', () => {
    const text = [
      '# a comment',
      '  /usr/local/lib   # trailing comment',
      'include a/*.conf\t/abs/b.conf',
      'hwcap 1 nosegneg',
      '/opt/old=libc5',
      '',
      'includeme/not-an-include',
    ].join('\n');
    expect(parseLdSoConf(text)).toEqual([
      { kind: 'dir', dir: '/usr/local/lib' },
      { kind: 'include', pattern: 'a/*.conf' },
      { kind: 'include', pattern: '/abs/b.conf' },
      { kind: 'dir', dir: '/opt/old' },
      { kind: 'dir', dir: 'includeme/not-an-include' },
    ]);
  });
});

describe('readLdSoConfDirs', () => {
  it('expands include globs relative to /etc in sorted order, recursively, deduplicated', () => {
    sys = makeSysroot({
      'etc/ld.so.conf': '/first/\ninclude ld.so.conf.d/*.conf\n/last\n',
      'etc/ld.so.conf.d/b.conf': '/b1\ninclude /etc/more/[0-9]*.conf\n',
      'etc/ld.so.conf.d/a.conf': '/a1\n/first\n',
      'etc/ld.so.conf.d/c.conf.disabled': '/never\n',
      'etc/ld.so.conf.d/.hidden.conf': '/hidden\n',
      'etc/more/1.conf': '/m1\n',
      'etc/more/x.conf': '/not-a-digit\n',
    });
    expect(readLdSoConfDirs(sys.host)).toEqual(['/first', '/a1', '/b1', '/m1', '/last']);
  });

  it('survives include loops and a missing file', () => {
    sys = makeSysroot({
      'etc/ld.so.conf': 'include /etc/loop.conf\n/top\n',
      'etc/loop.conf': '/loop\ninclude ld.so.conf\n',
    });
    expect(readLdSoConfDirs(sys.host)).toEqual(['/loop', '/top']);
    expect(readLdSoConfDirs(sys.host, '/etc/none.conf')).toEqual([]);
  });

  it('takes relative include patterns from the including file directory, through symlinks inside the root', () => {
    sys = makeSysroot({
      'etc/ld.so.conf': 'include conf.d/*.conf\n',
      'etc/conf.d': link('/usr/share/conf.d'),
      'usr/share/conf.d/x.conf': '/x\n',
    });
    expect(readLdSoConfDirs(sys.host)).toEqual(['/x']);
  });
});

describe('globInRoot', () => {
  it('matches ?, [...] and [!...] per component and lists only what exists', () => {
    sys = makeSysroot({ 'd/a1': 'x', 'd/b2': 'x', 'd/c3': 'x', 'e': dir });
    expect(globInRoot(sys.host, '/d/?[12]')).toEqual(['/d/a1', '/d/b2']);
    expect(globInRoot(sys.host, '/d/[!a]*')).toEqual(['/d/b2', '/d/c3']);
    expect(globInRoot(sys.host, '/*/c3')).toEqual(['/d/c3']);
    expect(globInRoot(sys.host, '/d/zz')).toEqual([]);
    expect(globInRoot(sys.host, '/d/a1')).toEqual(['/d/a1']);
  });
});
