// Module file compression: .ko.gz through node:zlib; .ko.xz and .ko.zst through the system `xz` and
// `zstd` (node 20's zlib has neither). Errors name the file and what to do.
// A build runs as root on a sysroot it did not make (a container, a guest, a chroot): a module file
// there may be a bomb, a few kilobytes that decompress to gigabytes. So every module decompresses
// within moduleLimit of its size: real modules compress at most about 11 times (Debian 13's 6.12,
// 4230 .ko.xz) and the largest is 28 MiB (amdgpu.ko), where the limit is 100 times, at least 64 MiB.
import { constants as bufferConstants } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { type DecompressLimit, defaultLimit, formatBytes, LIMIT_FLOOR, LIMIT_RATIO, overLimitMessage } from '../compress/decompress-limit.js';
import { BadModuleError, CompressorError } from '../errors.js';

export type ModuleCompression = 'none' | 'gzip' | 'xz' | 'zstd';

export function compressionOf(path: string): ModuleCompression {
  if (path.endsWith('.gz')) return 'gzip';
  if (path.endsWith('.xz')) return 'xz';
  if (path.endsWith('.zst')) return 'zstd';
  return 'none';
}

/** The name a module file has in an image, where every module is stored decompressed: x.ko.xz → x.ko. */
export function storedModulePath(path: string): string {
  return compressionOf(path) === 'none' ? path : path.replace(/\.(?:gz|xz|zst)$/, '');
}

const TOOLS = { xz: 'xz', zstd: 'zstd' } as const;

/** The most a module file of `compressedSize` bytes may decompress to in a build. */
export function moduleLimit(compressedSize: number): number {
  return defaultLimit(compressedSize).bytes;
}

/** The error for a module file of `compressedSize` bytes that decompresses (or says it does) past moduleLimit. */
export function implausibleModule(file: string, compressedSize: number): BadModuleError {
  return new BadModuleError(
    `${file}: decompresses to more than ${formatBytes(moduleLimit(compressedSize))} (${LIMIT_RATIO} × its ${formatBytes(compressedSize)}, ` +
      `at least ${formatBytes(LIMIT_FLOOR)}), which no kernel module does; stopped there. It is not a plausible kernel module: reinstall the kernel package`,
    file,
  );
}

/**
 * The decompressed bytes of a module file; `file` names it in errors. A build decompresses within
 * moduleLimit (past it: implausibleModule); a module read from an image someone gave us, within the
 * `limit` of --max-decompressed (past it: a BadModuleError that names that limit).
 */
export function decompressModule(data: Buffer, compression: ModuleCompression, file: string, limit?: DecompressLimit): Buffer {
  if (compression === 'none') return data;
  const maxBytes = Math.max(1, Math.min(limit?.bytes ?? moduleLimit(data.length), bufferConstants.MAX_LENGTH));
  const overLimit = (): BadModuleError => (limit ? new BadModuleError(overLimitMessage(file, limit, 'module'), file) : implausibleModule(file, data.length));
  if (compression === 'gzip') {
    try {
      return gunzipSync(data, { maxOutputLength: maxBytes });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw overLimit();
      throw _corrupt(file, 'gzip', err);
    }
  }
  const tool = TOOLS[compression];
  // spawnSync kills the tool once its stdout passes maxBuffer
  const res = spawnSync(tool, ['-dc'], { input: data, maxBuffer: maxBytes });
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CompressorError(`${file}: cannot decompress: '${tool}' is not installed (install the ${tool} package)`);
    if (code === 'ENOBUFS') throw overLimit();
    throw _corrupt(file, tool, res.error);
  }
  if (res.status !== 0) throw _corrupt(file, tool, res.stderr.toString('utf8').trim().split('\n')[0]);
  return res.stdout;
}

function _corrupt(file: string, tool: string, why: unknown): BadModuleError {
  const msg = why instanceof Error ? why.message : String(why ?? '');
  return new BadModuleError(`${file}: corrupt ${tool} data (${msg.replaceAll(/\s+/g, ' ')}); reinstall the kernel package`, file);
}
