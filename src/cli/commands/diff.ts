import type { Command } from '@commander-js/extra-typings';

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare two initramfs images: paths added, removed and changed, kernel modules, sizes')
    .argument('<a>', 'the first image')
    .argument('<b>', 'the second image')
    .option('--json', 'print JSON')
    .action(async (a, b, flags) => {
      const { loadImage } = await import('../../inspect/load-image.js');
      const { diffImages } = await import('../../inspect/diff-images.js');
      const { formatDiff } = await import('../../inspect/format-diff.js');
      const diff = diffImages(await loadImage(a), await loadImage(b));
      process.stdout.write(flags.json ? `${JSON.stringify({ a, b, ...diff }, null, 2)}\n` : formatDiff(diff, a, b));
    });
}
