// Module file compression: .ko.gz through node:zlib; .ko.xz and .ko.zst through the system `xz` and
// `zstd` (node 20's zlib has neither). Errors name the file and what to do.
import { constants as bufferConstants } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { type DecompressLimit, overLimitMessage } from '../compress/decompress-limit.js';
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

/**
 * The decompressed bytes of a module file; `file` names it in errors. A module read from an image
 * someone gave us is decompressed within `limit` (past it: a BadModuleError that names the limit).
 */
export function decompressModule(data: Buffer, compression: ModuleCompression, file: string, limit?: DecompressLimit): Buffer {
  if (compression === 'none') return data;
  const overLimit = (): BadModuleError => new BadModuleError(overLimitMessage(file, limit as DecompressLimit, 'module'), file);
  if (compression === 'gzip') {
    try {
      return gunzipSync(data, limit ? { maxOutputLength: Math.max(1, Math.min(limit.bytes, bufferConstants.MAX_LENGTH)) } : {});
    } catch (err) {
      if (limit && (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw overLimit();
      throw _corrupt(file, 'gzip', err);
    }
  }
  const tool = TOOLS[compression];
  const res = spawnSync(tool, ['-dc'], { input: data, maxBuffer: limit?.bytes ?? 1 << 30 });
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CompressorError(`${file}: cannot decompress: '${tool}' is not installed (install the ${tool} package)`);
    if (limit && code === 'ENOBUFS') throw overLimit();
    throw _corrupt(file, tool, res.error);
  }
  if (res.status !== 0) throw _corrupt(file, tool, res.stderr.toString('utf8').trim().split('\n')[0]);
  return res.stdout;
}

function _corrupt(file: string, tool: string, why: unknown): BadModuleError {
  const msg = why instanceof Error ? why.message : String(why ?? '');
  return new BadModuleError(`${file}: corrupt ${tool} data (${msg.replaceAll(/\s+/g, ' ')}); reinstall the kernel package`, file);
}
