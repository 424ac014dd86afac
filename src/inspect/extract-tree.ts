// `extract`: writes the unpacked tree (kernel semantics already applied, see kernel-unpack.ts) into a
// directory. Nothing can land outside it:
//   - the tree's paths are canonical: every ".." and absolute name was resolved inside the image root,
//     and no parent component is a symlink;
//   - the directory must be new or empty, every name is created exclusively (O_EXCL, mkdir, symlink
//     and link fail on an existing name), so no name is ever opened through something already there;
//   - symlinks are created last, after every file and directory, so nothing is written through them.
// By default the tree is made safe for the caller: no device nodes, FIFOs or sockets (they are listed
// as skipped), no setuid/setgid/sticky bits, every name owned by the caller. `preserve` (root only, like
// `tar --same-owner -p`) restores owners, modes and nodes as the archive says.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fsError, OutputError, UsageError } from '../errors.js';
import { checkPathLimits } from './check-path-limits.js';
import type { ImageTree } from './image-tree.js';
import type { UnpackNote } from './kernel-unpack.js';
import type { FileContent, TreeNode } from './tree-node.js';

export interface ExtractOptions {
  /** Restore owners, setuid/setgid/sticky bits, device nodes and FIFOs as stored: root only. */
  preserve?: boolean;
}

export interface ExtractResult {
  /** Names written (directories, files, links, nodes). */
  written: number;
  /** Names left out, with why. */
  skipped: UnpackNote[];
}

export function extractTree(tree: ImageTree, dir: string, opts: ExtractOptions = {}): ExtractResult {
  const root = resolve(dir);
  const preserve = opts.preserve === true;
  if (preserve) requirePreserveAllowed();
  const paths = tree.paths().filter((p) => p !== '/');
  checkPathLimits(paths, root);
  _prepareEmptyDir(root);
  const skipped: UnpackNote[] = [];
  const written: Array<[string, TreeNode]> = [];
  const firstNameOf = new Map<FileContent, string>();
  const diskPath = (p: string): string => _inside(root, p);
  const attempt = (p: string, make: () => void): void => {
    try {
      make();
    } catch (err) {
      throw fsError(err, diskPath(p), 'create');
    }
  };

  for (const p of paths) {
    const node = tree.get(p) as TreeNode;
    if (p.includes('\0')) {
      skipped.push({ path: p, message: 'name contains a NUL byte: cannot be created', lost: true });
      continue;
    }
    const target = diskPath(p);
    if (node.type === 'symlink') continue; // below, once everything else exists
    if (node.type === 'dir') attempt(p, () => fs.mkdirSync(target, { mode: 0o700 }));
    else if (node.type === 'file') {
      const content = node.content as FileContent;
      const first = firstNameOf.get(content);
      if (first !== undefined) attempt(p, () => fs.linkSync(first, target));
      else {
        attempt(p, () => fs.writeFileSync(target, content.data, { flag: 'wx', mode: 0o600 }));
        firstNameOf.set(content, target);
      }
    } else if (node.type === 'socket') {
      skipped.push({ path: p, message: 'a socket: only a running program can create one', lost: true });
      continue;
    } else if (!preserve) {
      skipped.push({ path: p, message: `${_nodeName(node)} not created (extract --preserve, as root, creates it)`, lost: true });
      continue;
    } else attempt(p, () => _mknod(target, node));
    written.push([p, node]);
  }
  for (const p of paths) {
    const node = tree.get(p) as TreeNode;
    if (node.type !== 'symlink' || p.includes('\0')) continue;
    attempt(p, () => fs.symlinkSync(node.target ?? '', diskPath(p)));
    written.push([p, node]);
  }
  // Owners, modes and times last: a read-only directory must not stop its children being written,
  // and chown clears setuid bits, so chmod comes after it.
  for (const [p, node] of written.reverse()) attempt(p, () => _setAttributes(diskPath(p), node, preserve));
  return { written: written.length, skipped };
}

/** `--preserve` gives files to other users and makes device nodes: only root may ask for that. */
export function requirePreserveAllowed(): void {
  if (process.getuid?.() !== 0)
    throw new UsageError('extract --preserve restores owners and device nodes: run it as root, or leave --preserve out');
}

function _prepareEmptyDir(root: string): void {
  let entries: string[];
  try {
    fs.mkdirSync(root, { recursive: true });
    entries = fs.readdirSync(root);
  } catch (err) {
    throw fsError(err, root, 'create');
  }
  if (entries.length > 0)
    throw new OutputError(`${root} is not empty: extract into a new or empty directory (nothing was written)`, root);
}

/** The disk path of canonical in-image path `p`; refuses anything that would not stay inside `root`. */
function _inside(root: string, p: string): string {
  const components = p.split('/').filter((c) => c !== '');
  const full = join(root, ...components);
  if (components.some((c) => c === '.' || c === '..') || !full.startsWith(root + sep))
    throw new OutputError(`refusing to write ${JSON.stringify(p)}: it would land outside ${root}`, root);
  return full;
}

function _mknod(target: string, node: TreeNode): void {
  const kind = node.type === 'chardev' ? 'c' : node.type === 'blockdev' ? 'b' : 'p';
  const args = kind === 'p' ? [target, 'p'] : [target, kind, String(node.rdevmajor), String(node.rdevminor)];
  execFileSync('mknod', ['-m', '600', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function _nodeName(node: TreeNode): string {
  if (node.type === 'fifo') return 'FIFO';
  return `${node.type === 'chardev' ? 'character' : 'block'} device ${node.rdevmajor},${node.rdevminor}`;
}

/** Without `preserve` the caller keeps ownership and the setuid, setgid and sticky bits are dropped. */
function _setAttributes(target: string, node: TreeNode, preserve: boolean): void {
  const time = new Date(node.mtime * 1000);
  if (node.type === 'symlink') {
    if (preserve) fs.lchownSync(target, node.uid, node.gid);
    fs.lutimesSync(target, time, time);
    return;
  }
  if (preserve) fs.chownSync(target, node.uid, node.gid);
  fs.chmodSync(target, node.mode & (preserve ? 0o7777 : 0o777));
  fs.utimesSync(target, time, time);
}
