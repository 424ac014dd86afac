// Libraries a feature names, found where ld.so looks: ld.so.conf's directories first, then the defaults.
import { afterEach, describe, expect, it } from 'vitest';
import { findLibraryFile } from '../../../src/elf/find-library-file.js';
import { baseRoot, lib } from './resolver-fixture.js';
import { link, makeSysroot, type Sysroot } from './sysroot-tree.js';

let s: Sysroot | undefined;
afterEach(() => s?.cleanup());

describe('findLibraryFile', () => {
  it("takes the ld.so.conf directory before the default ones, and follows the soname's link", () => {
    s = makeSysroot(
      baseRoot({
        'etc/ld.so.conf': 'include /etc/ld.so.conf.d/*.conf\n',
        'etc/ld.so.conf.d/x86_64-linux-gnu.conf': '/usr/lib/x86_64-linux-gnu\n',
        'usr/lib/x86_64-linux-gnu/libtss2-esys.so.0': link('libtss2-esys.so.0.0.0'),
        'usr/lib/x86_64-linux-gnu/libtss2-esys.so.0.0.0': lib('libtss2-esys.so.0'),
        'usr/lib/libtss2-esys.so.0': lib('libtss2-esys.so.0'),
      }),
    );
    expect(findLibraryFile(s.host, 'libtss2-esys.so.0')).toBe('/usr/lib/x86_64-linux-gnu/libtss2-esys.so.0');
  });

  it('without ld.so.conf: the default directories; a path below a library directory works too', () => {
    s = makeSysroot(baseRoot({ 'usr/lib64/cryptsetup/libcryptsetup-token-systemd-tpm2.so': lib('libcryptsetup-token-systemd-tpm2.so') }));
    expect(findLibraryFile(s.host, 'cryptsetup/libcryptsetup-token-systemd-tpm2.so')).toBe('/usr/lib64/cryptsetup/libcryptsetup-token-systemd-tpm2.so');
    expect(findLibraryFile(s.host, 'libtss2-rc.so.0')).toBeUndefined();
  });
});
