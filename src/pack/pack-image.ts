// The whole image: the uncompressed early archive (microcode) first, where the early loader finds
// it, then the compressed main archive.
import { compress } from '../compress/compress.js';
import type { CompressSpec } from '../compress/compress-spec.js';
import type { Plan } from '../plan/plan.js';
import { type PackOptions, packEntries, packPlan } from './pack-plan.js';

export interface PackedImage {
  /** The image's bytes, in order: write them with writeImageAtomically(). */
  parts: Buffer[];
  /** Size of the uncompressed early archive (0 when there is none). */
  earlySize: number;
  /** Size of the main archive before and after compression. */
  mainSize: number;
  compressedSize: number;
}

export async function packImage(plan: Plan, opts: PackOptions & { compression: CompressSpec }): Promise<PackedImage> {
  const early = plan.early.length > 0 ? Buffer.concat(packEntries(plan.early, opts)) : undefined;
  const main = packPlan(plan, opts);
  const mainSize = main.reduce((n, chunk) => n + chunk.length, 0);
  const compressed = await compress(main, opts.compression);
  return {
    parts: early ? [early, compressed] : [compressed],
    earlySize: early?.length ?? 0,
    mainSize,
    compressedSize: compressed.length,
  };
}
