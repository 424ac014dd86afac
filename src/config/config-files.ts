// Which configuration files a build reads, in order: the main file, then the drop-ins of
// /usr/lib/mkinitramfs-ts.conf.d (the distribution's) and /etc/mkinitramfs-ts.conf.d (the admin's)
// sorted together by file name, a file in /etc replacing the one of the same name in /usr/lib.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, fsError } from '../errors.js';

const MAIN_CONFIG = '/etc/mkinitramfs-ts.conf';
const ADMIN_CONFIG_DIR = '/etc/mkinitramfs-ts.conf.d';
const VENDOR_CONFIG_DIR = '/usr/lib/mkinitramfs-ts.conf.d';

export interface ConfigLocation {
  /** Default files are read inside this root. */
  sysroot: string;
  /** --conf: a file (host path) read instead of /etc/mkinitramfs-ts.conf. */
  conf?: string;
  /** --confdir: a directory (host path) read instead of both drop-in directories. */
  confdir?: string;
}

/** Paths on disk, in reading order. Only files named explicitly must exist. */
export function configFiles(loc: ConfigLocation): string[] {
  const files: string[] = [];
  if (loc.conf !== undefined) {
    if (!_isFile(loc.conf)) throw new NotFoundError(`--conf ${loc.conf}: no such file (give an existing configuration file)`, loc.conf);
    files.push(loc.conf);
  } else {
    const main = join(loc.sysroot, MAIN_CONFIG);
    if (_isFile(main)) files.push(main);
  }
  const dirs = loc.confdir !== undefined ? [loc.confdir] : [join(loc.sysroot, VENDOR_CONFIG_DIR), join(loc.sysroot, ADMIN_CONFIG_DIR)];
  if (loc.confdir !== undefined && !_isDir(loc.confdir))
    throw new NotFoundError(`--confdir ${loc.confdir}: no such directory (give an existing directory of *.conf files)`, loc.confdir);
  // later directories win for the same name
  const byName = new Map<string, string>();
  for (const dir of dirs) for (const name of _dropIns(dir)) byName.set(name, join(dir, name));
  for (const name of [...byName.keys()].sort(_byteOrder)) files.push(byName.get(name) as string);
  return files;
}

function _dropIns(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw fsError(err, dir);
  }
  // a symlink to /dev/null masks a vendor file: it is read as an empty file
  return names.filter((n) => n.endsWith('.conf') && !n.startsWith('.') && _isFileOrNull(join(dir, n)));
}

function _isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function _isFileOrNull(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && (st.isFile() || st.isCharacterDevice());
}

function _isDir(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function _byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
