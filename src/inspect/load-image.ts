// An image read from disk and unpacked in memory: its segments as stored, and the tree they unpack to.
import { statSync } from 'node:fs';
import { type ImageSegment, readImageBytes, readImageFile } from '../cpio/newc-reader.js';
import { fsError } from '../errors.js';
import type { ImageTree } from './image-tree.js';
import { type UnpackNote, unpackSegments } from './kernel-unpack.js';

export interface LoadedImage {
  /** How messages name the image (its path). */
  name: string;
  /** Bytes of the image file as stored (compressed). */
  fileSize: number;
  segments: ImageSegment[];
  tree: ImageTree;
  notes: UnpackNote[];
}

export interface LoadOptions {
  /** Bytes the image's compressed segments may decompress to in all (default: derived from its size). */
  maxDecompressed?: number;
}

export async function loadImage(path: string, opts: LoadOptions = {}): Promise<LoadedImage> {
  let fileSize: number;
  try {
    fileSize = statSync(path).size;
  } catch (err) {
    throw fsError(err, path);
  }
  const segments = await readImageFile(path, opts.maxDecompressed);
  return imageFromSegments(segments, path, fileSize);
}

/** An image from bytes already read from `path` (the file is not opened again). */
export async function loadImageBytes(file: Buffer, path: string, opts: LoadOptions = {}): Promise<LoadedImage> {
  const segments = await readImageBytes(file, path, opts.maxDecompressed);
  return imageFromSegments(segments, path, file.length);
}

export function imageFromSegments(segments: ImageSegment[], name: string, fileSize: number): LoadedImage {
  const { tree, notes } = unpackSegments(segments);
  return { name, fileSize, segments, tree, notes };
}
