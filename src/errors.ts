// Typed errors. Every user-facing failure is one of these: a one-line message that names the file
// and the fix, and a distinct exit code. Only the CLI entry turns them into an exit status.

export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  notFound: 3, // a file or directory the user pointed at (or that must exist) is missing
  badKernelDir: 4, // kernel module dir missing or without modules.dep
  badModule: 5, // truncated/garbage .ko, unknown module name
  badModulesDb: 6, // malformed modules.dep / alias / softdep
  badElf: 7, // a binary that is not a usable ELF or whose libraries are missing
  unreadable: 8, // permission or I/O error reading the host
  badConfig: 9, // config files, feature manifests
  unknownFeature: 10,
  compressor: 11, // missing or unsupported compressor
  output: 12, // cannot write the image (exists without --force, disk full, ...)
  notBootable: 13, // the plan cannot boot (no root driver, no init, ...)
  badImage: 14, // an image given to ls/cat/extract/verify cannot be read
  detect: 15, // host detection failed
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class MkError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly file?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class UsageError extends MkError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}
export class NotFoundError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.notFound, file);
  }
}
export class KernelDirError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.badKernelDir, file);
  }
}
export class BadModuleError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.badModule, file);
  }
}
export class ModulesDbError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.badModulesDb, file);
  }
}
export class BadElfError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.badElf, file);
  }
}
export class UnreadableError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.unreadable, file);
  }
}
export class ConfigError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.badConfig, file);
  }
}
export class UnknownFeatureError extends MkError {
  constructor(message: string) {
    super(message, ExitCode.unknownFeature);
  }
}
export class CompressorError extends MkError {
  constructor(message: string) {
    super(message, ExitCode.compressor);
  }
}
export class OutputError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.output, file);
  }
}
export class NotBootableError extends MkError {
  constructor(message: string) {
    super(message, ExitCode.notBootable);
  }
}
export class BadImageError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.badImage, file);
  }
}
/** An image (or a module in one) that decompresses to more than the limit: maybe a bomb, maybe a big real one. */
export class DecompressLimitError extends BadImageError {}
export class DetectError extends MkError {
  constructor(message: string, file?: string) {
    super(message, ExitCode.detect, file);
  }
}

/** Map a Node fs error on `file` to a typed error. */
export function fsError(err: unknown, file: string, what = 'read'): MkError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new NotFoundError(`${file}: no such file or directory`, file);
  if (code === 'EACCES' || code === 'EPERM')
    return new UnreadableError(`${file}: permission denied ${_accessHint()}`, file);
  if (code === 'ENOSPC') return new OutputError(`${file}: no space left on device (free some space and retry)`, file);
  if (err instanceof MkError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new UnreadableError(`${file}: cannot ${what}: ${msg}`, file);
}

/** Why writing into `dir` was refused (EACCES/EPERM/EROFS) and what helps: "run as root" only to whom it would. */
export function writeRefusedHint(code: string | undefined, isRoot = process.geteuid?.() === 0): string {
  if (code === 'EROFS') return 'a read-only file system: remount it read-write or choose another output path';
  if (isRoot)
    return `refused even to root (${code ?? 'denied'}: an immutable attribute, an AppArmor/SELinux policy or a root-squashing network mount?): lift that or choose another output path`;
  return `${code ?? 'denied'}: run as root or choose another output path`;
}

/** Root is refused only by a security module or a network mount, where "run as root" would not help. */
function _accessHint(): string {
  return process.geteuid?.() === 0
    ? 'even to root (an AppArmor/SELinux policy, or a root-squashing network mount?): allow root to read it'
    : '(run as root or fix its permissions)';
}
