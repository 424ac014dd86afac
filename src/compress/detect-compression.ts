// Recognises a compressed initramfs segment by its magic, as the kernel's decompress_method() does.

export type SegmentCompression = 'gzip' | 'zstd' | 'xz' | 'lzma' | 'lz4' | 'bzip2' | 'lzo';

const MAGICS: ReadonlyArray<readonly [SegmentCompression, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['lzma', [0x5d, 0x00, 0x00]],
  ['lz4', [0x02, 0x21, 0x4c, 0x18]], // legacy frame; the kernel cannot read the modern lz4 frame format
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lzo', [0x89, 0x4c, 0x5a, 0x4f, 0x00, 0x0d, 0x0a, 0x1a, 0x0a]],
];

export function detectCompression(buf: Buffer, offset: number): SegmentCompression | undefined {
  for (const [name, magic] of MAGICS) {
    if (offset + magic.length > buf.length) continue;
    if (magic.every((byte, i) => buf[offset + i] === byte)) return name;
  }
  return undefined;
}
