// Paths of the real test bed fetched by test/fixtures/fetch.sh. A missing fixture is a failure,
// never a skip: the tests that use these must run.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES =
  process.env['FIXTURES'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'mkinitramfs-ts-fixtures');

function need(path: string): string {
  if (!existsSync(path)) throw new Error(`test fixture ${path} is missing: run 'bash test/fixtures/fetch.sh' first`);
  return path;
}

/** The unpacked kernel package (a sysroot holding boot/ and lib/modules/KVER). */
export const kernelRoot = (): string => need(join(FIXTURES, 'kernel'));
export const kver = (): string => readFileSync(need(join(FIXTURES, 'kernel', 'KVER')), 'utf8').trim();
export const kernelImage = (): string => need(join(FIXTURES, 'kernel', 'boot', `vmlinuz-${kver()}`));
export const kmodDir = (): string => need(join(FIXTURES, 'kernel', 'lib', 'modules', kver()));
/** The unpacked busybox-static package. */
export const busyboxRoot = (): string => need(join(FIXTURES, 'busybox'));
/** A Debian bookworm minbase root with systemd, udev, kmod, busybox-static, e2fsprogs, util-linux. */
export const debianRoot = (): string => need(join(FIXTURES, 'rootfs', '.complete')).replace(/\/\.complete$/, '');
/** Where tests may keep slow-to-build artefacts (disks) between runs. */
export const cacheDir = (): string => join(FIXTURES, 'cache');
/** debianRoot() with the fixture kernel installed into it: the sysroot images are built from. */
export const buildSysroot = (): string => need(join(FIXTURES, 'sysroot', '.complete')).replace(/\/\.complete$/, '');
