import type { Command } from '@commander-js/extra-typings';
import { MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP, parseMaxDecompressed } from '../max-decompressed-flag.js';
import { loadImage } from '../../inspect/load-image.js';
import { fileBytes } from '../../inspect/cat-file.js';

export function registerCat(program: Command): void {
  program
    .command('cat')
    .description("print a file of an initramfs image as the booted system sees it (later segments win, symlinks followed)")
    .argument('<image>', 'the image file')
    .argument('<path>', 'the path inside the image ("/init", "etc/os-release")')
    .option(MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP)
    .action(async (image, path, flags) => {
      process.stdout.write(fileBytes(await loadImage(image, { maxDecompressed: parseMaxDecompressed(flags.maxDecompressed) }), path));
    });
}
