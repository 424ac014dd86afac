import type { Command } from '@commander-js/extra-typings';
import { MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP, parseMaxDecompressed } from '../max-decompressed-flag.js';
import { readImageFile } from '../../cpio/newc-reader.js';
import { formatListing, listSegments } from '../../inspect/list-image.js';

export function registerLs(program: Command): void {
  program
    .command('ls')
    .description('list every entry of any initramfs image, segment by segment (mode, owner, size, path)')
    .argument('<image>', 'the image file')
    .option('--json', 'print JSON')
    .option(MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP)
    .action(async (image, flags) => {
      const listed = listSegments(await readImageFile(image, parseMaxDecompressed(flags.maxDecompressed)));
      process.stdout.write(flags.json ? `${JSON.stringify({ image, segments: listed }, null, 2)}\n` : formatListing(listed));
    });
}
