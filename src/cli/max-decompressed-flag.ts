// --max-decompressed SIZE, on every command that reads an image: how much its compressed segments may
// decompress to in all (src/compress/decompress-limit.ts has the default and why).
import { UsageError } from '../errors.js';

export const MAX_DECOMPRESSED_FLAG = '--max-decompressed <size>';
export const MAX_DECOMPRESSED_HELP =
  'stop when the image decompresses to more than SIZE (bytes, or with a K, M or G suffix; default 100 × the image size, at least 64M, at most 4G)';

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/** The flag's value in bytes ("512M" → 536870912), undefined when the flag is not given. */
export function parseMaxDecompressed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)([kmg]?)$/i.exec(value.trim());
  const bytes = match ? Number(match[1]) * (UNITS[(match[2] as string).toLowerCase()] as number) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1)
    throw new UsageError(`--max-decompressed ${value}: give a size in bytes, or with a K, M or G suffix (e.g. 512M, 2G)`);
  return bytes;
}
