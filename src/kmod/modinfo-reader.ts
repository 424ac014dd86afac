// Read the .modinfo of a module file through the Host. An uncompressed .ko is read positionally (ELF
// header, section table, section names, .modinfo) instead of whole; compressed ones are decompressed
// first. Truncated or garbage files become a BadModuleError naming the file.
import { BadModuleError, fsError, MkError } from '../errors.js';
import type { Host } from '../host/host.js';
import { compressionOf, decompressModule } from './module-compression.js';
import { parseModinfo, type Modinfo } from './modinfo.js';
import { locateSection, type ReadAt } from './modinfo-section.js';

/** The parsed .modinfo of the module at in-root `path` (.ko, .ko.gz, .ko.xz, .ko.zst). */
export function readModinfo(host: Host, path: string): Modinfo {
  const compression = compressionOf(path);
  if (compression !== 'none') return modinfoFromBytes(decompressModule(_io(() => host.readFile(path), path), compression, path), path);
  const file = _io(() => host.open(path), path);
  try {
    return _fromElf((off, len) => _io(() => file.read(off, len), path), file.size, path);
  } finally {
    file.close();
  }
}

// Host errors arrive typed from FsHost, raw from other hosts or from a read (EISDIR, EIO).
function _io<T>(fn: () => T, path: string): T {
  try {
    return fn();
  } catch (err) {
    throw err instanceof MkError ? err : fsError(err, path);
  }
}

/** The parsed .modinfo of an in-memory (decompressed) module. */
export function modinfoFromBytes(bytes: Uint8Array, path: string): Modinfo {
  return _fromElf((off, len) => bytes.subarray(off, off + len), bytes.length, path);
}

function _fromElf(read: ReadAt, size: number, path: string): Modinfo {
  const range = locateSection(read, size, '.modinfo', path);
  if (range === undefined) throw new BadModuleError(`${path}: not a kernel module (no .modinfo section); reinstall the kernel package`, path);
  return parseModinfo(read(range.offset, range.size), path);
}
