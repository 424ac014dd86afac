// The whole image: the uncompressed early archive (microcode) first, where the early loader finds
// it, then the compressed main archive. Packing and compressing are separate steps so that the
// build can check the compressed archive and verify the packed one before anything is written.
import { compress } from '../compress/compress.js';
import type { CompressSpec } from '../compress/compress-spec.js';
import type { Plan } from '../assemble/plan.js';
import { type PackOptions, packEntries, packPlan } from './pack-plan.js';

/** The plan's archives, uncompressed. */
export interface PackedArchives {
  /** The early archive (microcode), stored uncompressed in front; undefined when there is none. */
  early: Buffer | undefined;
  /** The main archive as chunks, in order. */
  main: Buffer[];
  mainSize: number;
}

export interface PackedImage {
  /** The image's bytes, in order: write them with writeImageAtomically(). */
  parts: Buffer[];
  /** Size of the uncompressed early archive (0 when there is none). */
  earlySize: number;
  /** Size of the main archive before and after compression. */
  mainSize: number;
  compressedSize: number;
}

export function packArchives(plan: Plan, opts: PackOptions): PackedArchives {
  const early = plan.early.length > 0 ? oneBuffer(packEntries(plan.early, opts)) : undefined;
  const main = packPlan(plan, opts);
  return { early, main, mainSize: main.reduce((n, chunk) => n + chunk.length, 0) };
}

/** `parts` as one buffer; no copy when there is one part (what the newc writer gives). */
export function oneBuffer(parts: readonly Buffer[]): Buffer {
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/** The image from packed archives and the main one compressed. */
export function imageOf(archives: PackedArchives, compressed: Buffer): PackedImage {
  return {
    parts: archives.early ? [archives.early, compressed] : [compressed],
    earlySize: archives.early?.length ?? 0,
    mainSize: archives.mainSize,
    compressedSize: compressed.length,
  };
}

/** The archives without compression: what the kernel unpacks. */
export function uncompressedImage(archives: PackedArchives): Buffer {
  return oneBuffer(archives.early ? [archives.early, ...archives.main] : archives.main);
}

export async function packImage(plan: Plan, opts: PackOptions & { compression: CompressSpec }): Promise<PackedImage> {
  const archives = packArchives(plan, opts);
  return imageOf(archives, await compress(archives.main, opts.compression));
}
