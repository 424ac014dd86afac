// The Host seam over an unpacked image: lets the ELF resolver and the ld.so.conf reader look inside an
// initramfs exactly as they look inside a sysroot, with the image's root as "/".
import type { Stats } from 'node:fs';
import { NotFoundError, UsageError } from '../errors.js';
import type { DirEntryInfo, Host, RandomAccessFile } from '../host/host.js';
import type { ImageTree } from './image-tree.js';
import { NodeStats } from './node-stats.js';
import { nodeBytes, type TreeNode } from './tree-node.js';

export class ImageHost implements Host {
  private readonly _inodes = new WeakMap<object, number>();
  private _nextIno = 1;

  /** `root` names the image in messages ("... does not exist in /boot/initrd.img"). */
  constructor(
    readonly tree: ImageTree,
    readonly root: string,
  ) {}

  realpath(path: string): string {
    return this.tree.realpath(path);
  }

  diskPath(path: string): string {
    throw new UsageError(`${path} is inside the image ${this.root}, not on disk: extract it first`);
  }

  readFile(path: string): Buffer {
    const node = this._file(path);
    return node.content?.data ?? Buffer.alloc(0);
  }

  readText(path: string): string {
    return this.readFile(path).toString('utf8');
  }

  tryReadText(path: string): string | undefined {
    const node = this.tree.resolve(path)?.node;
    return node?.type === 'file' ? (node.content?.data ?? Buffer.alloc(0)).toString('utf8') : undefined;
  }

  open(path: string): RandomAccessFile {
    const data = this.readFile(path);
    return {
      size: data.length,
      read: (offset, length) => data.subarray(offset, offset + length),
      close: () => undefined,
    };
  }

  lstat(path: string): Stats | undefined {
    const node = this.tree.lookup(path)?.node;
    return node === undefined ? undefined : this._stats(node);
  }

  stat(path: string): Stats | undefined {
    const node = this.tree.resolve(path)?.node;
    return node === undefined ? undefined : this._stats(node);
  }

  readlink(path: string): string {
    const node = this.tree.lookup(path)?.node;
    if (node?.type !== 'symlink') throw new NotFoundError(`${path}: no such symlink in ${this.root}`, path);
    return nodeBytes(node).toString('utf8');
  }

  readdir(path: string): string[] {
    const walked = this.tree.resolve(path);
    return walked?.node?.type === 'dir' ? this.tree.children(walked.path) : [];
  }

  readdirEntries(path: string): DirEntryInfo[] {
    const walked = this.tree.resolve(path);
    if (walked?.node?.type !== 'dir') return [];
    return this.tree.children(walked.path).map((name) => ({ name, isDir: this.tree.lookup(`${walked.path}/${name}`.replace('//', '/'))?.node?.type === 'dir' }));
  }

  exists(path: string): boolean {
    return this.tree.resolve(path) !== undefined;
  }

  private _file(path: string): TreeNode {
    const node = this.tree.resolve(path)?.node;
    if (node === undefined) throw new NotFoundError(`${path}: no such file in ${this.root}`, path);
    if (node.type !== 'file') throw new NotFoundError(`${path}: not a regular file in ${this.root}`, path);
    return node;
  }

  private _stats(node: TreeNode): Stats {
    const key: object = node.content ?? node; // hard links share their content, hence their inode
    let ino = this._inodes.get(key);
    if (ino === undefined) this._inodes.set(key, (ino = this._nextIno++));
    return new NodeStats(node, ino);
  }
}
