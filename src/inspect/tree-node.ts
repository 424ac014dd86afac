// One name in the unpacked image, and the content a file shares with its hard links.
import type { NewcFileType } from '../cpio/newc-format.js';

/** The bytes of a regular file; hard links share one object, as they share an inode. */
export interface FileContent {
  data: Buffer;
}

export interface TreeNode {
  type: NewcFileType;
  /** File type bits and permission bits. */
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Regular files only. */
  content?: FileContent;
  /** Symlinks only: the link text as stored. */
  target?: string;
  rdevmajor: number;
  rdevminor: number;
  /** Index of the segment whose entry last wrote this name. */
  segment: number;
}

/** The bytes a node holds: a file's contents, a symlink's target, nothing for the rest. */
export function nodeBytes(node: TreeNode): Buffer {
  if (node.content) return node.content.data;
  if (node.target !== undefined) return Buffer.from(node.target, 'utf8');
  return Buffer.alloc(0);
}
