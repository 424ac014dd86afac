// The kernel-module database of one kernel in a sysroot: open it once, then resolve requests to the
// module files an image needs (kmod's semantics), resolve hardware modaliases, read .modinfo, and
// find firmware. Every read of the sysroot goes through the Host.
import { BadModuleError, KernelDirError, ModulesDbError } from '../errors.js';
import { fileTypeName } from '../host/file-type.js';
import type { Host } from '../host/host.js';
import { BinaryIndex } from './binary-index.js';
import { loadModprobeConfig } from './modprobe-config-files.js';
import { findFirmware, type FirmwareResolution } from './firmware.js';
import { buildKmodData, inRootModulePath, type KmodData } from './kmod-data.js';
import { lookupModules } from './lookup.js';
import { modinfoValues, type Modinfo } from './modinfo.js';
import { compressionOf } from './module-compression.js';
import { decompressModules } from './decompress-modules.js';
import { modinfoFromBytes, readModinfo } from './modinfo-reader.js';
import { normalizeAlias, normalizeModname } from './names.js';
import { probeModule, showDependsLine } from './probe-list.js';
import { resolveModules, type Resolution, type ResolvedModule, type ResolveOptions } from './resolve.js';

export interface OpenKmodDbOptions {
  /** In-root module directory; default /lib/modules/KVER. */
  kmoddir?: string;
  /** In-root modprobe.d directories, highest precedence first; default kmod's list. */
  configDirs?: readonly string[];
  /** A kernel command line whose "module.param=value" and "modprobe.blacklist=" apply, as kmod reads /proc/cmdline. */
  kernelCmdline?: string;
}

export interface KmodResolveOptions extends ResolveOptions {
  /** Check that every chosen module file exists (default true). */
  checkFiles?: boolean;
}

export class KmodDb {
  /** Decompressed bytes of compressed module files, by in-root path (see loadModules). */
  private readonly _decompressed = new Map<string, Buffer>();

  constructor(
    readonly host: Host,
    readonly data: KmodData,
  ) {}

  get kver(): string {
    return this.data.kver;
  }
  get kmoddir(): string {
    return this.data.kmoddir;
  }

  /** Modules (in load order), built-ins, unknown requests and warnings for `requests`. */
  resolve(requests: readonly string[], opts: KmodResolveOptions = {}): Resolution {
    const res = resolveModules(this.data, requests, opts);
    if (opts.checkFiles !== false) for (const m of res.modules) this._checkFile(m);
    return res;
  }

  /** Module names a modalias or alias resolves to, as `modprobe --resolve-alias` prints them. */
  resolveAlias(alias: string): string[] {
    const key = normalizeAlias(alias);
    if (key === undefined) return [];
    const names = lookupModules(this.data, key).map((r) => r.name);
    return [...new Set(names)];
  }

  /** What `modprobe --show-depends NAME` prints, line by line (paths in-root). */
  showDepends(request: string): string[] {
    const key = normalizeAlias(request);
    const out: string[] = [];
    for (const ref of key === undefined ? [] : lookupModules(this.data, key)) {
      if (ref.alias !== undefined && this.isBlacklisted(ref.name)) continue;
      for (const step of probeModule(this.data, ref, 'requested').steps) {
        const line = showDependsLine(step);
        if (line !== undefined) out.push(line);
      }
    }
    return out;
  }

  isBuiltin(name: string): boolean {
    return this.data.builtin.has(normalizeModname(name));
  }

  isBlacklisted(name: string): boolean {
    return this.data.config.blacklist.includes(normalizeModname(name));
  }

  /** In-root path of a module's file, or undefined when modules.dep has no such module. */
  pathOf(name: string): string | undefined {
    const entry = this.data.dep.byName.get(normalizeModname(name));
    return entry === undefined ? undefined : inRootModulePath(this.data, entry.path);
  }

  /** The .modinfo of a module, by name or in-root path. */
  modinfo(nameOrPath: string): Modinfo {
    const path = nameOrPath.startsWith('/') ? nameOrPath : this.pathOf(nameOrPath);
    if (path === undefined)
      throw new ModulesDbError(`no module '${nameOrPath}' in ${this.kmoddir}/modules.dep`, `${this.kmoddir}/modules.dep`);
    return this._modinfo(path);
  }

  /** Firmware the given modules ask for, found in the sysroot; missing firmware is a warning. */
  firmware(modules: ReadonlyArray<Pick<ResolvedModule, 'name' | 'path'>>): FirmwareResolution {
    const wants = modules.map((m) => ({ module: m.name, firmware: modinfoValues(this._modinfo(m.path), 'firmware') }));
    return findFirmware(this.host, this.kver, wants);
  }

  /**
   * Decompress the compressed ones among these module files (in-root paths) all at once, and keep
   * them: an image stores them decompressed, and .modinfo, symbols and packing read those bytes.
   */
  async loadModules(paths: readonly string[]): Promise<void> {
    const todo = [...new Set(paths)].filter((p) => compressionOf(p) !== 'none' && !this._decompressed.has(p));
    const files = todo.map((path) => ({
      path,
      data: this.host.readFile(path),
      diskPath: this.host.diskPath(path),
      compression: compressionOf(path) as Exclude<ReturnType<typeof compressionOf>, 'none'>,
    }));
    const bytes = await decompressModules(files);
    todo.forEach((p, i) => this._decompressed.set(p, bytes[i] as Buffer));
  }

  /** The decompressed bytes of a compressed module file that loadModules has read, else undefined. */
  decompressed(path: string): Buffer | undefined {
    return this._decompressed.get(path);
  }

  private _modinfo(path: string): Modinfo {
    const bytes = this._decompressed.get(path);
    return bytes === undefined ? readModinfo(this.host, path) : modinfoFromBytes(bytes, path);
  }

  /**
   * The file modules.dep names for `m` must be a regular file (a symlink to one is fine). Missing or a
   * dangling symlink: the database and the files disagree (exit 6). Something else there, a directory
   * or a FIFO: that file is no module (exit 5); reading a FIFO would block the build for ever.
   */
  private _checkFile(m: ResolvedModule): void {
    const st = this.host.stat(m.path);
    if (st?.isFile()) return;
    const entry = this.data.dep.byName.get(m.name);
    const depFile = `${this.kmoddir}/modules.dep`;
    const where = `${entry ? `${depFile}:${entry.line}` : depFile}: module ${m.name} is listed as ${m.path}`;
    const fix = `reinstall the kernel package or rerun depmod -b ${this.host.root} ${this.kver}`;
    if (st !== undefined) throw new BadModuleError(`${where}, which is ${fileTypeName(st)}, not a regular file; ${fix}`, m.path);
    const link = this.host.lstat(m.path)?.isSymbolicLink() ? this.host.readlink(m.path) : undefined;
    const what = link === undefined ? 'which does not exist' : `a symlink to ${link}, which does not exist`;
    throw new ModulesDbError(`${where}, ${what}; ${fix}`, m.path);
  }
}

/** Load the module database of kernel `kver` from the sysroot behind `host`. */
export function openKmodDb(host: Host, kver: string, opts: OpenKmodDbOptions = {}): KmodDb {
  const kmoddir = opts.kmoddir ?? `/lib/modules/${kver}`;
  if (!host.stat(kmoddir)?.isDirectory())
    throw new KernelDirError(
      `${kmoddir}: no such directory in ${host.root} (is the kernel ${kver} installed there? choose another with --kver)`,
      kmoddir,
    );
  const depFile = `${kmoddir}/modules.dep`;
  const modulesDep = host.tryReadText(depFile);
  if (modulesDep === undefined)
    throw new KernelDirError(`${depFile}: missing; run \`depmod -b ${host.root} ${kver}\` to create it`, depFile);
  const opt = (name: string): string | undefined => host.tryReadText(`${kmoddir}/${name}`);
  const builtinModinfo = host.exists(`${kmoddir}/modules.builtin.modinfo`) ? host.readFile(`${kmoddir}/modules.builtin.modinfo`) : undefined;
  const config = loadModprobeConfig(host, kmoddir, {
    ...(opts.configDirs ? { dirs: opts.configDirs } : {}),
    ...(opts.kernelCmdline !== undefined ? { kernelCmdline: opts.kernelCmdline } : {}),
  });
  // kmod reads the binary indexes; the text files are the fallback when depmod wrote none
  const binary = (name: string): BinaryIndex | undefined => {
    const file = `${kmoddir}/${name}.bin`;
    return host.stat(file)?.isFile() ? BinaryIndex.open(host.readFile(file), file) : undefined;
  };
  const aliasIndex = binary('modules.alias');
  const modulesAlias = aliasIndex === undefined ? opt('modules.alias') : undefined;
  const modulesBuiltin = opt('modules.builtin');
  const data = buildKmodData({
    kver,
    kmoddir,
    modulesDep,
    ...(modulesAlias !== undefined ? { modulesAlias } : {}),
    ...(aliasIndex !== undefined ? { aliasIndex } : {}),
    ...(modulesBuiltin !== undefined ? { modulesBuiltin } : {}),
    ...(builtinModinfo !== undefined ? { modulesBuiltinModinfo: builtinModinfo } : {}),
    modulesSymbols: () => binary('modules.symbols') ?? opt('modules.symbols'),
    config,
  });
  if (modulesAlias === undefined && aliasIndex === undefined) config.warnings.push(`${kmoddir}/modules.alias: missing; aliases will not resolve (rerun depmod)`);
  return new KmodDb(host, data);
}
