// What plan assembly needs from the kernel-module database (implemented over kmod-db.ts by
// open-module-source.ts). Keeps assembly independent of how modules are resolved.

export interface ModuleRequest {
  /** Module name, alias, or "=DIR" for every module under kernel/DIR. */
  name: string;
  why: string;
  /** A missing optional request is skipped with a note; a missing required one is an error. A "=DIR" group is never required. */
  optional: boolean;
}

export interface ResolvedModuleFile {
  name: string;
  /** Path relative to /lib/modules/KVER in the image, as its modules.dep names it: always a .ko. */
  relPath: string;
  /** Where to read it on the build machine (x.ko.xz for a compressed module). */
  diskPath: string;
  /** The decompressed bytes of a compressed module file (images store every module decompressed). */
  content?: Buffer;
  reasons: string[];
}

export interface ResolvedFirmware {
  /** Image path, e.g. /lib/firmware/intel/ibt-12.sfi.zst */
  path: string;
  diskPath: string;
  /** Symlinks on the way, kept as symlinks. */
  links: { path: string; target: string }[];
  module: string;
}

export interface ModuleResolution {
  modules: ResolvedModuleFile[];
  firmware: ResolvedFirmware[];
  builtin: string[];
  warnings: string[];
  /** Requests the kernel has built in, and optional ones it lacks (skipped); the plan's notes. */
  notes: ModuleNote[];
}

/** Something asked for that the image needs not hold (the shape of the plan's PlanNote). */
export interface ModuleNote {
  /** The module or alias name, or a "=DIR" group. */
  subject: string;
  /** "built into kernel 6.1.0-57-cloud-amd64", "not in kernel …: skipped" */
  text: string;
  /** Why it was asked for, each request that asked. */
  reasons: string[];
}

export interface ModuleSource {
  readonly kver: string;
  /** The modules, with their firmware; compressed module files are read and decompressed. */
  resolve(requests: ModuleRequest[], omit: string[]): Promise<ModuleResolution>;
  /** Module names a hardware modalias (or any alias) resolves to in this kernel; built-ins included. */
  resolveAlias(alias: string): string[];
  isBuiltin(name: string): boolean;
  /** depmod-format files (modules.dep, modules.alias, ...) for exactly these modules; keys are file names. */
  subsetFiles(modules: ResolvedModuleFile[]): Map<string, string | Buffer>;
}
