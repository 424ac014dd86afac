// Decompress many module files at once, as an image of a kernel with .ko.xz/.ko.zst/.ko.gz modules
// needs: every module is stored decompressed. Starting `xz` once per module costs more than the
// decoding (229 modules: 2.6 s one by one, 0.35 s in two runs), so the files of a format are fed,
// concatenated, to one `xz -dc` or `zstd -dc` per CPU, and the output is cut back into files by the
// sizes the containers record (decompressed-size.ts). gzip is decoded in-process by node:zlib.
// The tools read the files by name and write into an unlinked temporary file: they run to the end
// while this process plans other things, which a pipe to a busy event loop would stall.
// Every file decompresses within moduleLimit of its size (module-compression.ts says why): a file
// whose container claims more fails at once; a run of the tool may write no more than the sizes its
// files claim, which the kernel enforces (RLIMIT_FSIZE, `ulimit -f`, kills the tool with SIGXFSZ),
// so a bomb fills neither the memory nor $TMPDIR, however busy the event loop is.
import { constants as bufferConstants } from 'node:buffer';
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { BadModuleError, CompressorError } from '../errors.js';
import { implausibleModule, moduleLimit, type ModuleCompression } from './module-compression.js';
import { decompressedSize } from './decompressed-size.js';

export interface CompressedModule {
  /** Names the file in errors (in-root path). */
  path: string;
  data: Buffer;
  compression: Exclude<ModuleCompression, 'none'>;
  /** The same file on the build machine, for the tool to read (else it is fed `data`). */
  diskPath?: string;
}

const TOOL = { xz: { command: 'xz', package: 'xz-utils' }, zstd: { command: 'zstd', package: 'zstd' } } as const;
const _gunzip = promisify(gunzip);

/** The decompressed bytes of each file, in the order given. */
export async function decompressModules(files: readonly CompressedModule[], jobs = Math.max(1, cpus().length)): Promise<Buffer[]> {
  const out: Buffer[] = new Array(files.length);
  const work: Promise<void>[] = [];
  for (const format of ['xz', 'zstd'] as const) {
    const sized: { index: number; size: number }[] = [];
    files.forEach((f, index) => {
      if (f.compression !== format) return;
      const size = decompressedSize(f.data, format);
      if (size !== undefined && size > moduleLimit(f.data.length)) throw implausibleModule(f.path, f.data.length);
      if (size === undefined) work.push(_one(f).then((b) => void (out[index] = b)));
      else sized.push({ index, size });
    });
    for (const batch of _batches(sized, files, jobs)) work.push(_batch(files, batch, out));
  }
  files.forEach((f, index) => {
    if (f.compression === 'gzip') work.push(_gzip(f).then((b) => void (out[index] = b)));
  });
  await Promise.all(work);
  return out;
}

/** Split the files into `jobs` groups of about the same compressed size, each in the given order. */
function _batches<T extends { index: number }>(items: T[], files: readonly CompressedModule[], jobs: number): T[][] {
  const total = items.reduce((n, it) => n + (files[it.index] as CompressedModule).data.length, 0);
  const share = total / jobs;
  const groups: T[][] = [];
  let current: T[] = [];
  let filled = 0;
  for (const it of items) {
    current.push(it);
    filled += (files[it.index] as CompressedModule).data.length;
    if (filled >= share * (groups.length + 1) && groups.length < jobs - 1) {
      groups.push(current);
      current = [];
    }
  }
  if (current.length) groups.push(current);
  return groups;
}

async function _batch(files: readonly CompressedModule[], batch: { index: number; size: number }[], out: Buffer[]): Promise<void> {
  const first = files[(batch[0] as { index: number }).index] as CompressedModule;
  const expected = batch.reduce((n, b) => n + b.size, 0);
  let bytes: Buffer | undefined;
  try {
    bytes = await _run(first.compression as 'xz' | 'zstd', _input(batch.map((b) => files[b.index] as CompressedModule)), expected);
  } catch (err) {
    if (err instanceof CompressorError) throw err;
  }
  if (bytes === undefined || bytes.length !== expected) {
    // a corrupt file or a container that misstates its size (or a bomb): one by one, so the error names the file
    await Promise.all(batch.map(async (b) => void (out[b.index] = await _one(files[b.index] as CompressedModule))));
    return;
  }
  let at = 0;
  for (const b of batch) {
    out[b.index] = bytes.subarray(at, at + b.size);
    at += b.size;
  }
}

async function _one(file: CompressedModule): Promise<Buffer> {
  if (file.compression === 'gzip') return _gzip(file);
  let bytes: Buffer | undefined;
  try {
    bytes = await _run(file.compression, _input([file]), moduleLimit(file.data.length));
  } catch (err) {
    if (err instanceof CompressorError) throw err;
    throw _corrupt(file, err);
  }
  if (bytes === undefined) throw implausibleModule(file.path, file.data.length);
  return bytes;
}

async function _gzip(file: CompressedModule): Promise<Buffer> {
  try {
    return await _gunzip(file.data, { maxOutputLength: Math.min(moduleLimit(file.data.length), bufferConstants.MAX_LENGTH) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw implausibleModule(file.path, file.data.length);
    throw _corrupt(file, err);
  }
}

/** File names for the tool when every file has one, else the concatenated bytes for its stdin. */
function _input(files: readonly CompressedModule[]): Buffer | string[] {
  return files.every((f) => f.diskPath !== undefined) ? files.map((f) => f.diskPath as string) : Buffer.concat(files.map((f) => f.data));
}

let _outputs = 0;

/** POSIX `ulimit -f` counts 512-byte blocks. */
const FSIZE_BLOCK = 512;

/**
 * The tool's output for `input`, or undefined when it would pass `maxBytes` (the tool is then killed).
 * The tool runs under `sh` only to lower its file size limit before it starts.
 */
function _run(format: 'xz' | 'zstd', input: Buffer | string[], maxBytes: number): Promise<Buffer | undefined> {
  const tool = TOOL[format];
  const name = join(tmpdir(), `mkinitramfs-ts-ko-${process.pid}-${_outputs++}`);
  const out = openSync(name, 'wx+', 0o600);
  unlinkSync(name);
  return new Promise<Buffer | undefined>((resolve, reject) => {
    // no sparse output: zeros are written, so the file size limit stops a bomb of zeros at once, not after it is decoded
    const args = Array.isArray(input) ? ['-dcq', '--no-sparse', '--', ...input] : ['-dcq', '--no-sparse'];
    // one block more than maxBytes: an output of exactly maxBytes is not cut, anything longer is seen below
    const blocks = Math.floor(maxBytes / FSIZE_BLOCK) + 1;
    const script = 'ulimit -S -f "$1" 2>/dev/null; shift; exec "$@"';
    const child = spawn('/bin/sh', ['-c', script, 'sh', String(blocks), tool.command, ...args], { stdio: [Array.isArray(input) ? 'ignore' : 'pipe', out, 'pipe'] });
    const errors: Buffer[] = [];
    child.stderr?.on('data', (c: Buffer) => errors.push(c));
    child.stdin?.on('error', () => undefined); // a tool that stops reading fails below with its own message
    let spawnError: Error | undefined;
    child.on('error', (err) => (spawnError = err));
    child.on('close', (code, signal) => {
      if (spawnError) reject(spawnError);
      else if (signal === 'SIGXFSZ' || fstatSync(out).size > maxBytes) resolve(undefined);
      else if (code === 0) resolve(_readAll(out));
      else if (code === 127) reject(new CompressorError(`cannot decompress modules: '${tool.command}' is not installed (install the ${tool.package} package)`));
      else reject(new Error(Buffer.concat(errors).toString('utf8').trim().split('\n')[0] || `${tool.command} exited with ${code}`));
    });
    if (!Array.isArray(input)) child.stdin?.end(input);
  }).finally(() => closeSync(out));
}

function _readAll(fd: number): Buffer {
  const size = fstatSync(fd).size;
  const bytes = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; ) {
    const n = readSync(fd, bytes, at, size - at, at);
    if (n === 0) throw new Error('decompressed output shrank while being read');
    at += n;
  }
  return bytes;
}

function _corrupt(file: CompressedModule, why: unknown): BadModuleError {
  const msg = why instanceof Error ? why.message : String(why ?? '');
  return new BadModuleError(`${file.path}: corrupt ${file.compression} data (${msg.replaceAll(/\s+/g, ' ')}); reinstall the kernel package`, file.path);
}
