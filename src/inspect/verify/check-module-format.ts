// A compressed module (.ko.xz, .ko.zst, .ko.gz) must reach the kernel decompressed: the kernels of
// Debian 12 and older have no in-kernel decompression, and a modprobe that hands over the raw file
// gets "Invalid ELF header magic". So the image's own modprobe must decompress every format it holds:
// kmod's through the compression libraries libkmod links (or loads) from the image, busybox's only
// for the formats it has decompressors for (xz and gzip, never zstd). An image that stores modules
// decompressed, as mkinitramfs-ts builds them, passes whatever its modprobe.
import { compressionOf, type ModuleCompression } from '../../kmod/module-compression.js';
import { ElfFile } from '../../elf/elf-file.js';
import type { ImageTree } from '../image-tree.js';
import type { ModuleIndex } from './module-index.js';
import { type Problem, problem } from './problem.js';

type Format = Exclude<ModuleCompression, 'none'>;

/** The library libkmod decompresses each format with. */
const KMOD_LIBRARY: Record<Format, string> = { xz: 'liblzma.so.5', zstd: 'libzstd.so.1', gzip: 'libz.so.1' };
/** The busybox applet whose decoder busybox's modprobe also uses. */
const BUSYBOX_APPLET: Record<Format, string | undefined> = { xz: 'unxz', gzip: 'gunzip', zstd: undefined };
const LIB_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/lib'];

export function checkModuleFormat(tree: ImageTree, index: ModuleIndex): Problem[] {
  const byFormat = new Map<Format, string[]>();
  for (const m of index.modules) {
    const format = compressionOf(m.path);
    if (format !== 'none') byFormat.set(format, [...(byFormat.get(format) ?? []), m.path]);
  }
  if (byFormat.size === 0) return [];
  const loader = _modprobe(tree);
  if (loader === undefined) return [];
  const problems: Problem[] = [];
  for (const [format, paths] of byFormat) {
    if (loader.reads(format)) continue;
    const some = paths.slice(0, 3).join(', ') + (paths.length > 3 ? `, … (${paths.length} in all)` : '');
    problems.push(
      problem(
        `${paths.length} kernel module(s) compressed as ${format} (${some}), but the image's modprobe (${loader.name}) cannot decompress ${format}: ` +
          'the kernel refuses them ("Invalid ELF header magic"); rebuild the image with mkinitramfs-ts, which stores modules decompressed',
      ),
    );
  }
  return problems;
}

interface _Loader {
  name: string;
  reads(format: Format): boolean;
}

/** What /sbin/modprobe of the image is, and which compressed formats it can read; undefined if unknown. */
function _modprobe(tree: ImageTree): _Loader | undefined {
  const walked = tree.resolve('/usr/sbin/modprobe') ?? tree.resolve('/sbin/modprobe');
  const data = walked?.node?.content?.data;
  if (walked === undefined || data === undefined) return undefined;
  if (data.includes(Buffer.from('BusyBox v'))) {
    return { name: `busybox ${walked.path}`, reads: (f) => BUSYBOX_APPLET[f] !== undefined && data.includes(Buffer.from(`\0${BUSYBOX_APPLET[f]}\0`)) };
  }
  if (!data.includes(Buffer.from('kmod'))) return undefined;
  const libkmod = _library(tree, 'libkmod.so.2');
  const libs = [data, ...(libkmod ? [libkmod] : [])];
  const needed = new Set(libs.flatMap((b) => _needed(b)));
  // kmod 34 and newer may dlopen the libraries instead: then they must be in the image
  return {
    name: `kmod ${walked.path}`,
    reads: (f) => needed.has(KMOD_LIBRARY[f]) || (libs.some((b) => b.includes(Buffer.from(`${KMOD_LIBRARY[f]}\0`))) && _library(tree, KMOD_LIBRARY[f]) !== undefined),
  };
}

function _library(tree: ImageTree, soname: string): Buffer | undefined {
  for (const dir of LIB_DIRS) {
    const data = tree.resolve(`${dir}/${soname}`)?.node?.content?.data;
    if (data !== undefined) return data;
  }
  return undefined;
}

function _needed(bytes: Buffer): string[] {
  try {
    return ElfFile.fromBytes(bytes, 'modprobe').dynamic?.needed ?? [];
  } catch {
    return []; // not an ELF file: check-elf-links says so
  }
}
