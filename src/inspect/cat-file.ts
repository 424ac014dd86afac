// `cat`: the bytes a path holds once the whole image is unpacked (later segments win), following
// symlinks inside the image as the booted system would.
import { NotFoundError, UsageError } from '../errors.js';
import type { LoadedImage } from './load-image.js';

export function fileBytes(image: Pick<LoadedImage, 'tree' | 'name'>, path: string): Buffer {
  const inRoot = path.startsWith('/') ? path : `/${path}`;
  const found = image.tree.resolve(inRoot);
  if (found?.node === undefined) {
    const dangling = image.tree.lookup(inRoot)?.node?.type === 'symlink';
    const why = dangling ? 'is a symlink to nothing' : 'does not exist';
    throw new NotFoundError(`${inRoot} ${why} in ${image.name} (list the image with 'mkinitramfs-ts ls ${image.name}')`, inRoot);
  }
  const { node } = found;
  if (node.type !== 'file') {
    const what = node.type === 'dir' ? 'a directory' : `a ${node.type}`;
    throw new UsageError(`${inRoot} is ${what} in ${image.name}, not a regular file: name a file`);
  }
  return node.content?.data ?? Buffer.alloc(0);
}
