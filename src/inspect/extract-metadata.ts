// How `extract` creates names and sets their owner, mode and times without ever being redirected by a
// symlink: files are created with O_CREAT|O_EXCL|O_NOFOLLOW and get their metadata through that same
// descriptor; directories are reopened with O_DIRECTORY|O_NOFOLLOW; symlinks, FIFOs and device nodes
// get theirs from lchown/lutimes, which act on the name itself (a device node is never opened: opening
// one runs its driver, and opening /dev/watchdog arms it).
// Without `preserve` the caller keeps ownership and the setuid, setgid and sticky bits are dropped.
// chown clears setuid bits, so chmod comes after it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { TreeNode } from './tree-node.js';

const { O_WRONLY, O_RDONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = fs.constants;

/** Sets owner, mode and times on the open file or directory `fd`: no name is looked up. */
export function applyMetadata(fd: number, node: TreeNode, preserve: boolean): void {
  if (preserve) fs.fchownSync(fd, node.uid, node.gid);
  fs.fchmodSync(fd, _mode(node, preserve));
  fs.futimesSync(fd, _time(node), _time(node));
}

/** A new regular file holding `data`, with its metadata, all through one descriptor; fails on any existing name. */
export function createFile(path: string, data: Buffer, node: TreeNode, preserve: boolean): void {
  const fd = fs.openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    fs.writeFileSync(fd, data);
    applyMetadata(fd, node, preserve);
  } finally {
    fs.closeSync(fd);
  }
}

/** A directory's metadata, once everything in it exists; fails on a symlink put in its place. */
export function setDirMetadata(path: string, node: TreeNode, preserve: boolean): void {
  const fd = fs.openSync(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    applyMetadata(fd, node, preserve);
  } finally {
    fs.closeSync(fd);
  }
}

/** A FIFO or device node (`preserve` only), made with its final mode; owner and times never follow a link. */
export function createNode(path: string, node: TreeNode): void {
  const kind = node.type === 'chardev' ? 'c' : node.type === 'blockdev' ? 'b' : 'p';
  const args = kind === 'p' ? [path, 'p'] : [path, kind, String(node.rdevmajor), String(node.rdevminor)];
  execFileSync('mknod', ['-m', (node.mode & 0o777).toString(8), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  fs.lchownSync(path, node.uid, node.gid);
  fs.lutimesSync(path, _time(node), _time(node));
}

/** A symlink's owner (with `preserve`) and times, on the link itself. */
export function setLinkMetadata(path: string, node: TreeNode, preserve: boolean): void {
  if (preserve) fs.lchownSync(path, node.uid, node.gid);
  fs.lutimesSync(path, _time(node), _time(node));
}

function _mode(node: TreeNode, preserve: boolean): number {
  return node.mode & (preserve ? 0o7777 : 0o777);
}

function _time(node: TreeNode): Date {
  return new Date(node.mtime * 1000);
}
