// A library a feature names (a soname, or a path below a library directory such as
// "cryptsetup/libcryptsetup-token-systemd-tpm2.so"), found where the sysroot's ld.so would look:
// the directories of its ld.so.conf first, then the built-in ones. For libraries that programs
// load with dlopen() without declaring them (systemd 252's libtss2, libcryptsetup's token plugins).
import { posix } from 'node:path';
import type { Host } from '../host/host.js';
import { readLdSoConfDirs } from './ld-so-conf.js';

const _DEFAULT_DIRS = ['/usr/lib64', '/lib64', '/usr/lib', '/lib'];

/** The in-root path of the first match; undefined when no library directory has it. */
export function findLibraryFile(host: Host, name: string): string | undefined {
  for (const dir of new Set([...readLdSoConfDirs(host), ..._DEFAULT_DIRS])) {
    const path = posix.join(dir, name);
    if (host.stat(path)?.isFile()) return path;
  }
  return undefined;
}
