import type { Command } from '@commander-js/extra-typings';
import { loadImage } from '../../inspect/load-image.js';
import { fileBytes } from '../../inspect/cat-file.js';

export function registerCat(program: Command): void {
  program
    .command('cat')
    .description("print a file of an initramfs image as the booted system sees it (later segments win, symlinks followed)")
    .argument('<image>', 'the image file')
    .argument('<path>', 'the path inside the image ("/init", "etc/os-release")')
    .action(async (image, path) => {
      process.stdout.write(fileBytes(await loadImage(image), path));
    });
}
