import type { Command } from '@commander-js/extra-typings';
import { MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP, parseMaxDecompressed } from '../max-decompressed-flag.js';
import { loadImage } from '../../inspect/load-image.js';
import { escapeControl } from '../../escape-control.js';
import { extractTree, requirePreserveAllowed } from '../../inspect/extract-tree.js';

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description('unpack an initramfs image into a new or empty directory; no name can escape it')
    .argument('<image>', 'the image file')
    .argument('<dir>', 'the directory to create (or an empty one of yours that nobody else can write)')
    .option('--preserve', 'restore owners, setuid/setgid bits, device nodes and FIFOs as the image says (root only)')
    .option(MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP)
    .action(async (image, dir, flags) => {
      if (flags.preserve === true) requirePreserveAllowed(); // before reading anything
      const loaded = await loadImage(image, { maxDecompressed: parseMaxDecompressed(flags.maxDecompressed) });
      const result = extractTree(loaded.tree, dir, { preserve: flags.preserve === true });
      for (const note of [...loaded.notes, ...result.skipped])
        process.stderr.write(`mkinitramfs-ts: note: ${escapeControl(`${note.path}: ${note.message}`)}\n`);
      process.stderr.write(`mkinitramfs-ts: extracted ${result.written} names into ${dir}\n`);
    });
}
