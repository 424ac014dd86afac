// A node of an unpacked image seen through node's fs.Stats shape, so that code written against the
// Host seam (the ELF resolver, the ld.so.conf reader) can read an image as it reads a sysroot.
import type { Stats } from 'node:fs';
import { nodeBytes, type TreeNode } from './tree-node.js';

const BLOCK = 512;

export class NodeStats implements Stats {
  readonly dev = 0;
  readonly ino: number;
  readonly mode: number;
  readonly nlink = 1;
  readonly uid: number;
  readonly gid: number;
  readonly rdev: number;
  readonly size: number;
  readonly blksize = 4096;
  readonly blocks: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly birthtimeMs: number;
  readonly atime: Date;
  readonly mtime: Date;
  readonly ctime: Date;
  readonly birthtime: Date;

  constructor(
    private readonly _node: TreeNode,
    ino: number,
  ) {
    this.ino = ino;
    this.mode = _node.mode;
    this.uid = _node.uid;
    this.gid = _node.gid;
    // Linux's new_encode_dev(), as stat(2) reports st_rdev.
    this.rdev = (_node.rdevminor & 0xff) | (_node.rdevmajor << 8) | ((_node.rdevminor & ~0xff) << 12);
    this.size = nodeBytes(_node).length;
    this.blocks = Math.ceil(this.size / BLOCK);
    this.mtimeMs = this.atimeMs = this.ctimeMs = this.birthtimeMs = _node.mtime * 1000;
    this.mtime = this.atime = this.ctime = this.birthtime = new Date(this.mtimeMs);
  }

  isFile(): boolean {
    return this._node.type === 'file';
  }
  isDirectory(): boolean {
    return this._node.type === 'dir';
  }
  isBlockDevice(): boolean {
    return this._node.type === 'blockdev';
  }
  isCharacterDevice(): boolean {
    return this._node.type === 'chardev';
  }
  isSymbolicLink(): boolean {
    return this._node.type === 'symlink';
  }
  isFIFO(): boolean {
    return this._node.type === 'fifo';
  }
  isSocket(): boolean {
    return this._node.type === 'socket';
  }
}
