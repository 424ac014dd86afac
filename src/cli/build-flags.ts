// The build flags shared by build, explain and check-host, and their translation to BuildOptions:
// configuration files first, flags over them (a flag's scalar replaces the configured one; a flag's
// list adds to the configured list and cancels the opposite configured entry, so --omit lvm beats
// add = ["lvm"] in a file).
import { Command, Option } from '@commander-js/extra-typings';
import { existsSync, readdirSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { defaultMtime, splitList, type BuildOptions } from '../build-options.js';
import { loadConfigOrThrow } from '../config/load-config.js';
import { KernelDirError, UsageError } from '../errors.js';
import { defaultHostOnly, probeHostRoot, type HostRootFacts } from './host-only-default.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function withBuildFlags(cmd: Command) {
  return cmd
    .option('-o, --output <image>', 'where to write the image (default /boot/initrd.img-KVER in the sysroot)')
    .option('-k, --kver <kver>', 'kernel version (default: the running kernel, or the only one in the sysroot)')
    .option('--sysroot <dir>', 'the root file system to build from', '/')
    .option('--kmoddir <dir>', 'kernel module directory inside the sysroot (default /lib/modules/KVER)')
    .option('--sysfs <dir>', 'read a captured sysfs tree instead of /sys (host-only)')
    .option('--procfs <dir>', 'read a captured procfs tree instead of /proc (host-only)')
    .option('-c, --conf <file>', 'read this configuration file instead of /etc/mkinitramfs-ts.conf')
    .option('--confdir <dir>', 'read *.conf from this directory instead of /etc/mkinitramfs-ts.conf.d')
    .option('-H, --hostonly', 'only what this host needs to boot')
    .option('-N, --no-hostonly', 'a generic image that boots on any hardware')
    .option('--compress <spec>', 'gzip|zstd|xz|lz4|none[:LEVEL] (default zstd when installed, else gzip)')
    .option('-a, --add <features>', 'add feature modules (space or comma separated; repeatable)', collect)
    .option('--omit <features>', 'omit feature modules (space or comma separated; repeatable)', collect)
    .option('--add-drivers <modules>', 'add kernel modules', collect)
    .option('--omit-drivers <modules>', 'leave out kernel modules', collect)
    .option('--force-drivers <modules>', 'add kernel modules and load them first at boot', collect)
    .option('--filesystems <modules>', 'add file system drivers (like --add-drivers)', collect)
    .option('-i, --install <path>', 'add a file from the sysroot (with its libraries if ELF); repeatable', collect)
    .option('--early-microcode', 'prepend an uncompressed early-microcode cpio')
    .option('--no-early-microcode', 'no early-microcode cpio, whatever the configuration says')
    .option('--kernel-cmdline <args>', 'embed default kernel command-line arguments (the boot command line wins)')
    .option('--uki', "write a Unified Kernel Image (the sysroot's systemd EFI stub + kernel + this initramfs + command line) instead of a bare initramfs")
    .option('--no-uki', 'a bare initramfs, whatever the configuration says')
    .option('--kernel-image <path>', "with --uki: the kernel for .linux, a file on this machine (default: the sysroot's /boot/vmlinuz-KVER); kernel-install's plugin passes KERNEL_IMAGE")
    .option('--secureboot-key <key>', 'with --uki: sign it for Secure Boot with this private key (PEM, needs sbsign from sbsigntool)')
    .option('--secureboot-cert <cert>', 'with --uki: the certificate (PEM) of --secureboot-key')
    .option('--root-timeout <seconds>', 'how long /init waits for the root device (default 60)')
    .option('--keymap <name>', "console keymap of the passphrase prompt, e.g. de-latin1 (default: the sysroot's /etc/vconsole.conf or /etc/default/keyboard; us: none)")
    .option('--trust-sysroot-scripts', "run the check/install scripts of the sysroot's own features on this host (default: chrooted into the sysroot as nobody)")
    .option('-v, --verbose', 'print every phase with its time')
    .option('-q, --quiet', 'print only warnings and errors')
    .addOption(new Option('--reproducible', 'fixed mtimes from SOURCE_DATE_EPOCH (always on)').hideHelp(false));
}

export interface BuildFlagValues {
  output?: string;
  kver?: string;
  sysroot: string;
  kmoddir?: string;
  sysfs?: string;
  procfs?: string;
  conf?: string;
  confdir?: string;
  hostonly?: boolean;
  compress?: string;
  add?: string[];
  omit?: string[];
  addDrivers?: string[];
  omitDrivers?: string[];
  forceDrivers?: string[];
  filesystems?: string[];
  install?: string[];
  earlyMicrocode?: boolean;
  kernelCmdline?: string;
  uki?: boolean;
  kernelImage?: string;
  securebootKey?: string;
  securebootCert?: string;
  rootTimeout?: string;
  keymap?: string;
  verbose?: boolean;
  quiet?: boolean;
  force?: boolean;
  /** build --dry-run: plan only, no feature install script runs. */
  dryRun?: boolean;
  trustSysrootScripts?: boolean;
}

export interface BuildFlagIo {
  /** Where configuration warnings go (default: stderr). */
  warn(message: string): void;
  /** Where the reason for a generic default goes (default: nowhere). */
  note?(message: string): void;
  /** The live system's facts for the host-only default (default: probed from / and /proc). */
  hostRoot?(sysroot: string, capture: boolean): HostRootFacts;
}

const STDERR_IO: BuildFlagIo = { warn: (m) => process.stderr.write(`mkinitramfs-ts: warning: ${m}\n`) };

/** Resolve configuration files, flags and the dracut-style positional IMAGE KVER into BuildOptions. */
export function toBuildOptions(f: BuildFlagValues, image?: string, kverArg?: string, io: BuildFlagIo = STDERR_IO): BuildOptions {
  if (f.output && image && f.output !== image) throw new UsageError(`two output images given: ${f.output} and ${image}`);
  if (f.kver && kverArg && f.kver !== kverArg) throw new UsageError(`two kernel versions given: ${f.kver} and ${kverArg}`);
  const sysroot = f.sysroot;
  if (!existsSync(sysroot)) throw new UsageError(`--sysroot ${sysroot}: no such directory`);
  const { config: c, warnings } = loadConfigOrThrow({ sysroot, conf: f.conf, confdir: f.confdir });
  for (const w of warnings) io.warn(w);
  const kver = f.kver ?? kverArg ?? defaultKver(sysroot, f.kmoddir);
  const hostonly = f.hostonly ?? c.hostonly ?? _defaultHostOnly(sysroot, f.sysfs !== undefined, io);
  const features = _flagsOverConfig(c.add, c.omit, splitList(f.add), splitList(f.omit));
  const flagAddDrivers = [...splitList(f.addDrivers), ...splitList(f.filesystems)];
  const flagForceDrivers = splitList(f.forceDrivers);
  const drivers = _flagsOverConfig([...c.addDrivers, ...c.filesystems], c.omitDrivers, [...flagAddDrivers, ...flagForceDrivers], splitList(f.omitDrivers));
  const uki = f.uki ?? c.uki ?? false;
  const secureBoot = _secureBoot(f, uki);
  const kernelImage = _kernelImage(f.kernelImage, uki);
  const forceDrivers = _unique([...c.forceDrivers.filter((d) => !drivers.omit.includes(d)), ...flagForceDrivers]);
  return {
    sysroot,
    kver,
    kmoddir: f.kmoddir,
    sysfs: f.sysfs,
    procfs: f.procfs,
    hostonly,
    compress: f.compress ?? c.compress ?? '',
    add: features.add,
    omit: features.omit,
    addDrivers: drivers.add.filter((d) => !flagForceDrivers.includes(d)),
    omitDrivers: drivers.omit,
    forceDrivers,
    install: _unique([...c.installItems, ...(f.install ?? [])]),
    earlyMicrocode: f.earlyMicrocode ?? c.earlyMicrocode ?? false,
    kernelCmdline: f.kernelCmdline ?? c.kernelCmdline ?? '',
    rootTimeout: _rootTimeout(f.rootTimeout) ?? c.rootTimeout,
    ...((f.keymap ?? c.keymap) === undefined ? {} : { keymap: f.keymap ?? c.keymap }),
    mtime: defaultMtime(),
    // a UKI never lands where the boot loader expects a bare initramfs
    output: f.output ?? image ?? join(sysroot, 'boot', (f.uki ?? c.uki) === true ? `linux-${kver}.efi` : `initrd.img-${kver}`),
    force: f.force === true,
    uki,
    ...(secureBoot ? { secureBoot } : {}),
    ...(kernelImage === undefined ? {} : { kernelImage }),
    dryRun: f.dryRun === true,
    trustSysrootScripts: f.trustSysrootScripts === true,
  };
}

/** --secureboot-key and --secureboot-cert: both or neither, only for a UKI, readable files. */
function _secureBoot(f: BuildFlagValues, uki: boolean): { key: string; cert: string } | undefined {
  const { securebootKey: key, securebootCert: cert } = f;
  if (key === undefined && cert === undefined) return undefined;
  if (key === undefined || cert === undefined) throw new UsageError(`--secureboot-${key === undefined ? 'cert' : 'key'} needs --secureboot-${key === undefined ? 'key' : 'cert'} as well`);
  if (!uki) throw new UsageError('--secureboot-key signs a UKI: add --uki (or uki = true in the configuration)');
  for (const file of [key, cert]) if (!existsSync(file)) throw new UsageError(`${file}: no such file (--secureboot-${file === key ? 'key' : 'cert'})`);
  return { key, cert };
}

/** --kernel-image: only for a UKI, an existing file (on this machine, like the signing key). */
function _kernelImage(path: string | undefined, uki: boolean): string | undefined {
  if (path === undefined) return undefined;
  if (!uki) throw new UsageError('--kernel-image is the kernel of a UKI: add --uki (or uki = true in the configuration)');
  if (!existsSync(path)) throw new UsageError(`${path}: no such file (--kernel-image)`);
  return path;
}

/** Host-only on the running system's own root for every kernel version, or from a capture; else generic, saying why. */
function _defaultHostOnly(sysroot: string, capture: boolean, io: BuildFlagIo): boolean {
  const decision = defaultHostOnly((io.hostRoot ?? probeHostRoot)(sysroot, capture));
  if (decision.why) io.note?.(decision.why);
  return decision.hostonly;
}

/** A flag's add cancels the configured omit of the same name and the other way round. */
function _flagsOverConfig(confAdd: string[], confOmit: string[], flagAdd: string[], flagOmit: string[]): { add: string[]; omit: string[] } {
  return {
    add: _unique([...confAdd.filter((n) => !flagOmit.includes(n)), ...flagAdd]),
    omit: _unique([...confOmit.filter((n) => !flagAdd.includes(n)), ...flagOmit]),
  };
}

function _unique(list: string[]): string[] {
  return [...new Set(list)];
}

function _rootTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n <= 0) throw new UsageError(`--root-timeout ${value}: must be a whole number of seconds`);
  return n;
}

export function defaultKver(sysroot: string, kmoddir?: string): string {
  if (sysroot === '/') return release();
  if (kmoddir) throw new UsageError('--kmoddir needs --kver');
  for (const base of ['lib/modules', 'usr/lib/modules']) {
    const dir = join(sysroot, base);
    if (!existsSync(dir)) continue;
    const kvers = readdirSync(dir).filter((d) => existsSync(join(dir, d, 'modules.dep')) || existsSync(join(dir, d, 'modules.order')));
    if (kvers.length === 1) return kvers[0] as string;
    if (kvers.length > 1) throw new UsageError(`several kernels in ${dir} (${kvers.join(', ')}): choose one with --kver`);
  }
  throw new KernelDirError(`no kernel modules under ${sysroot}/lib/modules: install a kernel there or give --kver and --kmoddir`);
}
