// The keys a configuration file may set: their TOML name, type, meaning and value checks. The man page
// and the "unknown key" error list come from this one table.
import { parseCompressSpec } from '../compress/compress-spec.js';
import { MkError } from '../errors.js';

/** A configuration after validation and merging; a missing scalar means "not configured". */
export interface MkConfig {
  hostonly?: boolean;
  compress?: string;
  add: string[];
  omit: string[];
  addDrivers: string[];
  omitDrivers: string[];
  forceDrivers: string[];
  filesystems: string[];
  installItems: string[];
  earlyMicrocode?: boolean;
  kernelCmdline?: string;
  rootTimeout?: number;
  uki?: boolean;
  keymap?: string;
}

export type ListField = 'add' | 'omit' | 'addDrivers' | 'omitDrivers' | 'forceDrivers' | 'filesystems' | 'installItems';

export type KeyKind = 'bool' | 'string' | 'list' | 'seconds';

export interface KeySpec {
  /** The name in the file. */
  key: string;
  field: keyof MkConfig;
  kind: KeyKind;
  /** One line for the man page and error messages. */
  doc: string;
  /** Extra check of one value (a list is checked element by element): a problem, or undefined. */
  check?: (value: string) => string | undefined;
}

export const CONFIG_KEYS: readonly KeySpec[] = [
  { key: 'hostonly', field: 'hostonly', kind: 'bool', doc: 'only what this host needs to boot (like --hostonly / --no-hostonly)' },
  { key: 'compress', field: 'compress', kind: 'string', doc: 'compressor and optional level, e.g. "zstd" or "zstd:19"', check: _checkCompress },
  { key: 'add', field: 'add', kind: 'list', doc: 'feature modules to add', check: _checkName },
  { key: 'omit', field: 'omit', kind: 'list', doc: 'feature modules to leave out', check: _checkName },
  { key: 'add_drivers', field: 'addDrivers', kind: 'list', doc: 'kernel modules to add', check: _checkName },
  { key: 'omit_drivers', field: 'omitDrivers', kind: 'list', doc: 'kernel modules to leave out', check: _checkName },
  { key: 'force_drivers', field: 'forceDrivers', kind: 'list', doc: 'kernel modules to add and load first at boot', check: _checkName },
  { key: 'filesystems', field: 'filesystems', kind: 'list', doc: 'file system drivers to add (added to add_drivers)', check: _checkName },
  { key: 'install_items', field: 'installItems', kind: 'list', doc: 'absolute paths of sysroot files to add (ELF files with their libraries)', check: _checkPath },
  { key: 'early_microcode', field: 'earlyMicrocode', kind: 'bool', doc: 'prepend an uncompressed early-microcode cpio' },
  { key: 'kernel_cmdline', field: 'kernelCmdline', kind: 'string', doc: 'default kernel arguments embedded in the image (the boot command line wins)', check: _checkOneLine },
  { key: 'uki', field: 'uki', kind: 'bool', doc: "write a Unified Kernel Image (the sysroot's systemd EFI stub, kernel, initramfs and command line) instead of a bare initramfs (like --uki)" },
  { key: 'root_timeout', field: 'rootTimeout', kind: 'seconds', doc: 'seconds /init waits for the root device' },
  { key: 'keymap', field: 'keymap', kind: 'string', doc: 'console keymap of the passphrase prompt, e.g. "de-latin1" (default: the sysroot\'s /etc/vconsole.conf or /etc/default/keyboard; "us": none)', check: _checkOneLine },
];

export const KNOWN_KEYS: readonly string[] = CONFIG_KEYS.map((k) => k.key);

export function emptyConfig(): MkConfig {
  return { add: [], omit: [], addDrivers: [], omitDrivers: [], forceDrivers: [], filesystems: [], installItems: [] };
}

function _checkCompress(value: string): string | undefined {
  try {
    parseCompressSpec(value);
    return undefined;
  } catch (err) {
    if (err instanceof MkError) return err.message;
    throw err;
  }
}

function _checkName(value: string): string | undefined {
  if (value.length === 0) return 'empty name';
  if (/[\s,]/.test(value)) return `${JSON.stringify(value)} holds several names: give one name per list element`;
  if (!/^[A-Za-z0-9_.+-]+$/.test(value)) return `${JSON.stringify(value)} is not a module name (letters, digits, '_', '-', '.', '+')`;
  return undefined;
}

function _checkPath(value: string): string | undefined {
  if (!value.startsWith('/')) return `${JSON.stringify(value)} is not an absolute path: write it as it is inside the sysroot, e.g. "/usr/bin/foo"`;
  return undefined;
}

function _checkOneLine(value: string): string | undefined {
  return /[\n\r]/.test(value) ? 'must be one line' : undefined;
}
