import type { Command } from '@commander-js/extra-typings';
import { MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP, parseMaxDecompressed } from '../max-decompressed-flag.js';

export function registerLs(program: Command): void {
  program
    .command('ls')
    .description('list every entry of any initramfs image, segment by segment (mode, owner, size, path)')
    .argument('<image>', 'the image file')
    .option('--json', 'print JSON')
    .option(MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP)
    .action(async (image, flags) => {
      const { readImageFile } = await import('../../cpio/newc-reader.js');
      const { formatListing, listSegments } = await import('../../inspect/list-image.js');
      const listed = listSegments(await readImageFile(image, parseMaxDecompressed(flags.maxDecompressed)));
      process.stdout.write(flags.json ? `${JSON.stringify({ image, segments: listed }, null, 2)}\n` : formatListing(listed));
    });
}
