// How much an image may decompress to. A megabyte of gzip or a few kilobytes of zstd can stand for a
// gigabyte of zeros, so every reader of an image stops at a limit: by default 100 times the image's
// size (real images compress 3 to 10 times), at least 64 MiB, at most 4 GiB; --max-decompressed
// sets another. The limit counts the decompressed bytes of all the image's segments together.

export const LIMIT_FLOOR = 64 * 2 ** 20;
export const LIMIT_RATIO = 100;
export const LIMIT_CEILING = 4 * 2 ** 30;

export interface DecompressLimit {
  bytes: number;
  /** Where the limit comes from, for the error that names it. */
  origin: string;
}

/** The default limit for an image (or module file) of `inputSize` bytes. */
export function defaultLimit(inputSize: number): DecompressLimit {
  const bytes = Math.min(LIMIT_CEILING, Math.max(LIMIT_FLOOR, LIMIT_RATIO * inputSize));
  return {
    bytes,
    origin: `the default for a ${formatBytes(inputSize)} file: ${LIMIT_RATIO} × its size, at least ${formatBytes(LIMIT_FLOOR)}, at most ${formatBytes(LIMIT_CEILING)}`,
  };
}

/** The limit `--max-decompressed` gives (already parsed), else the default for `inputSize`. */
export function decompressLimit(inputSize: number, maxDecompressed: number | undefined): DecompressLimit {
  if (maxDecompressed === undefined) return defaultLimit(inputSize);
  return { bytes: maxDecompressed, origin: 'set by --max-decompressed' };
}

/** The one-line message when `where` (an image's segment, a module file) takes the output past the limit. */
export function overLimitMessage(where: string, limit: DecompressLimit, what: 'image' | 'module' = 'image'): string {
  const hint = limit.bytes < 2 * 2 ** 30 ? '2G' : `${Math.ceil((2 * limit.bytes) / 2 ** 30)}G`;
  return (
    `${where}: decompressed data passes ${formatBytes(limit.bytes)}, the limit (${limit.origin}); stopped there. ` +
    `If the ${what} is genuine, raise the limit with --max-decompressed SIZE (e.g. ${hint})`
  );
}

/** 64 MiB, 99.4 MiB, 4 GiB, 33.1 KiB, 512 B. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n < size) continue;
    const value = n / size;
    return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
  }
  return `${n} B`;
}
