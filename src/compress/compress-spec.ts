// What the user may ask the image to be compressed with ("--compress zstd:19"), and which levels
// each compressor accepts.
import { UsageError } from '../errors.js';

export const COMPRESS_FORMATS = ['gzip', 'zstd', 'xz', 'lz4', 'none'] as const;
export type CompressFormat = (typeof COMPRESS_FORMATS)[number];

export interface CompressSpec {
  format: CompressFormat;
  /** The compressor's own level; undefined means its default. */
  level?: number;
}

const LEVEL_RANGE: Record<Exclude<CompressFormat, 'none'>, readonly [number, number]> = {
  gzip: [1, 9],
  zstd: [1, 22],
  xz: [0, 9],
  lz4: [1, 12],
};

/** "zstd", "zstd:19", "gzip:9", "none". */
export function parseCompressSpec(text: string): CompressSpec {
  const match = /^([a-z0-9]+)(?::(-?\d+))?$/.exec(text.trim());
  const format = match?.[1];
  if (!match || !isCompressFormat(format))
    throw new UsageError(`unknown compression ${JSON.stringify(text)}: use ${COMPRESS_FORMATS.join(', ')} (optionally :LEVEL)`);
  if (match[2] === undefined) return { format };
  if (format === 'none') throw new UsageError(`--compress none takes no level (got ${JSON.stringify(text)})`);
  const level = Number(match[2]);
  const [min, max] = LEVEL_RANGE[format];
  if (level < min || level > max)
    throw new UsageError(`${format} level ${level} is out of range: use ${format}:${min} to ${format}:${max}`);
  return { format, level };
}

function isCompressFormat(name: string | undefined): name is CompressFormat {
  return (COMPRESS_FORMATS as readonly string[]).includes(name ?? '');
}

export function formatCompressSpec(spec: CompressSpec): string {
  return spec.level === undefined ? spec.format : `${spec.format}:${spec.level}`;
}
