import { afterEach, describe, expect, it } from 'vitest';
import { MkError, NotFoundError } from '../../../src/errors.js';
import { symlinkChain } from '../../../src/elf/symlink-chain.js';
import { link, makeSysroot, type Sysroot } from './sysroot-tree.js';

let sys: Sysroot | undefined;
afterEach(() => sys?.cleanup());

describe('symlinkChain', () => {
  it('records directory and file links, relative and absolute, with resolved parents', () => {
    sys = makeSysroot({
      lib64: link('usr/lib64'),
      lib: link('usr/lib'),
      'usr/lib64/ld.so': link('/lib/x/ld-real.so'),
      'usr/lib/x/ld-real.so': 'elf',
    });
    expect(symlinkChain(sys.host, '/lib64/ld.so')).toEqual({
      hops: [
        { path: '/lib64', target: 'usr/lib64' },
        { path: '/usr/lib64/ld.so', target: '/lib/x/ld-real.so' },
        { path: '/lib', target: 'usr/lib' },
      ],
      finalPath: '/usr/lib/x/ld-real.so',
    });
  });

  it('cannot escape the root through ..', () => {
    sys = makeSysroot({ 'a/b': link('../../../../etc/f'), 'etc/f': 'x' });
    expect(symlinkChain(sys.host, '/a/b').finalPath).toBe('/etc/f');
  });

  it('throws typed errors for missing files, dangling links and loops', () => {
    sys = makeSysroot({ dangling: link('nowhere'), l1: link('l2'), l2: link('l1') });
    expect(() => symlinkChain(sys!.host, '/missing')).toThrow(NotFoundError);
    expect(() => symlinkChain(sys!.host, '/dangling')).toThrow(/\/nowhere does not exist/);
    expect(() => symlinkChain(sys!.host, '/l1')).toThrow(MkError);
    expect(() => symlinkChain(sys!.host, '/l1')).toThrow(/too many levels/);
  });
});
