// Everything a build needs, after the CLI (and later config files) have been read.
export interface BuildOptions {
  sysroot: string;
  kver: string;
  /** In-root path of the module dir, when not /lib/modules/KVER. */
  kmoddir?: string;
  sysfs?: string;
  procfs?: string;
  hostonly: boolean;
  compress: string;
  add: string[];
  omit: string[];
  addDrivers: string[];
  omitDrivers: string[];
  forceDrivers: string[];
  install: string[];
  earlyMicrocode: boolean;
  kernelCmdline: string;
  rootTimeout?: number;
  /** The console keymap for the passphrase prompt (a name or an in-root path; "us": none); default: the sysroot's setting. */
  keymap?: string;
  /** mtime of every entry: SOURCE_DATE_EPOCH, else 0. */
  mtime: number;
  output: string;
  force: boolean;
  /** Write a Unified Kernel Image (systemd EFI stub + kernel + this initramfs) instead of a bare initramfs. */
  uki?: boolean;
  /** The UKI's kernel (.linux): a file on the build machine; default the sysroot's /boot/vmlinuz-KVER. */
  kernelImage?: string;
  /** Sign the UKI with sbsign: the private key and its certificate (PEM), both or neither. */
  secureBoot?: { key: string; cert: string };
  /** Plan only: no install script of a feature runs (a plan note says so). */
  dryRun?: boolean;
  /** Run the scripts of the sysroot's own features on this host instead of chrooted into the sysroot. */
  trustSysrootScripts?: boolean;
}

export function defaultMtime(env: NodeJS.ProcessEnv = process.env): number {
  const v = env['SOURCE_DATE_EPOCH'];
  if (v === undefined || v === '') return 0;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/** Split "a b,c" lists as dracut does for --add "lvm crypt". */
export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(/[\s,]+/)).filter((v) => v.length > 0);
}
