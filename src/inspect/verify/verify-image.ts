// `verify`: a static bootability check of any initramfs — what can be known without booting it. Each
// check lives in its own file; this one reads the image and runs them in order.
import type { ImageSegment } from '../../cpio/newc-reader.js';
import { BadImageError, DecompressLimitError } from '../../errors.js';
import { ImageHost } from '../image-host.js';
import { imageFromSegments, loadImage, type LoadedImage } from '../load-image.js';
import { checkElfLinks } from './check-elf-links.js';
import { checkInit } from './check-init.js';
import { checkModuleDeps } from './check-module-deps.js';
import { checkModuleFormat } from './check-module-format.js';
import { checkModulesDepFile } from './check-modules-dep-file.js';
import { checkRootFs } from './check-root-fs.js';
import { indexModules } from './module-index.js';
import { type Problem, problem } from './problem.js';

export type { Problem } from './problem.js';

export interface VerifyOptions {
  /** The kernel the image is for: its modules must be there and built for it. */
  kver?: string;
  /** How messages name the image when segments are given (default "image"). */
  name?: string;
  /** What the image's segments may decompress to in all, and each compressed module in it (default: derived from sizes). */
  maxDecompressed?: number;
}

/** Every problem found; [] means the image passed. An unreadable image file throws (NotFoundError...). */
export async function verifyImage(input: string | readonly ImageSegment[], opts: VerifyOptions = {}): Promise<Problem[]> {
  let image: LoadedImage;
  try {
    image = typeof input === 'string' ? await loadImage(input, opts) : imageFromSegments([...input], opts.name ?? 'image', 0);
  } catch (err) {
    // past the limit is no fault of the image: the caller decides (a bigger limit), not a problem found
    if (err instanceof BadImageError && !(err instanceof DecompressLimitError)) return [problem(`does not decode: ${err.message}`)];
    throw err;
  }
  return verifyLoadedImage(image, opts);
}

export async function verifyLoadedImage(image: LoadedImage, opts: VerifyOptions = {}): Promise<Problem[]> {
  if (image.segments.length === 0) return [problem(`${image.name} holds no cpio archive: not an initramfs`)];
  // first: its shell syntax check is a child process that works while the other checks run
  const init = checkInit(image.tree);
  const lost = image.notes.filter((n) => n.lost).map((n) => problem(n.message, `/${n.path.replace(/^\/+/, '')}`));
  const index = indexModules(image.tree, opts.maxDecompressed);
  const rest = [
    ...checkElfLinks(new ImageHost(image.tree, image.name)),
    ...checkModuleDeps(index, opts.kver),
    ...checkModuleFormat(image.tree, index),
    ...checkModulesDepFile(image.tree, index),
    ...checkRootFs(image.tree, index),
  ];
  return [...lost, ...(await init), ...rest];
}
