import type { Command } from '@commander-js/extra-typings';
import { MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP, parseMaxDecompressed } from '../max-decompressed-flag.js';
import { loadImage } from '../../inspect/load-image.js';
import { diffImages } from '../../inspect/diff-images.js';
import { formatDiff } from '../../inspect/format-diff.js';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two initramfs images: paths added, removed and changed, kernel modules, sizes')
    .argument('<a>', 'the first image')
    .argument('<b>', 'the second image')
    .option('--json', 'print JSON')
    .option(MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP)
    .action(async (a, b, flags) => {
      const load = { maxDecompressed: parseMaxDecompressed(flags.maxDecompressed) };
      const diff = diffImages(await loadImage(a, load), await loadImage(b, load));
      process.stdout.write(flags.json ? `${JSON.stringify({ a, b, ...diff }, null, 2)}\n` : formatDiff(diff, a, b));
    });
}
