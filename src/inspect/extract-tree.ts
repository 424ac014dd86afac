// `extract`: writes the unpacked tree (kernel semantics already applied, see kernel-unpack.ts) into a
// directory. Nothing can land outside it, and nothing can be redirected while we write:
//   - the tree's paths are canonical: every ".." and absolute name was resolved inside the image root,
//     and no parent component is a symlink;
//   - the target is new, or empty and the caller's and writable by nobody else, under directories only
//     root or the caller can change (extract-target.ts);
//   - every name is created exclusively (O_EXCL, mkdir, symlink and link fail on an existing name), so
//     no name is ever opened through something already there;
//   - directories are created 0700 and get their own mode only after everything below them is done
//     (children first), so while we work on a path no one else can rename or plant a name in any
//     directory on it: the path-based calls that remain (mkdir, link, symlink, mknod, lchown, lutimes)
//     cannot be redirected. Modes, owners and times go through descriptors opened with O_NOFOLLOW
//     anyway (extract-metadata.ts);
//   - symlinks are created last, after every file and directory, so nothing is written through them.
// By default the tree is made safe for the caller: no device nodes, FIFOs or sockets (they are listed
// as skipped), no setuid/setgid/sticky bits, every name owned by the caller. `preserve` (root only, like
// `tar --same-owner -p`) restores owners, modes and nodes as the archive says.
import * as fs from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fsError, OutputError, UsageError } from '../errors.js';
import { checkPathLimits } from './check-path-limits.js';
import { createFile, createNode, setDirMetadata, setLinkMetadata } from './extract-metadata.js';
import { prepareTarget } from './extract-target.js';
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
  const shown = resolve(dir);
  const preserve = opts.preserve === true;
  if (preserve) requirePreserveAllowed();
  const paths = tree.paths().filter((p) => p !== '/');
  checkPathLimits(paths, shown);
  const root = prepareTarget(shown);
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
        attempt(p, () => createFile(target, content.data, node, preserve));
        firstNameOf.set(content, target);
      }
    } else if (node.type === 'socket') {
      skipped.push({ path: p, message: 'a socket: only a running program can create one', lost: true });
      continue;
    } else if (!preserve) {
      skipped.push({ path: p, message: `${_nodeName(node)} not created (extract --preserve, as root, creates it)`, lost: true });
      continue;
    } else attempt(p, () => createNode(target, node));
    written.push([p, node]);
  }
  for (const p of paths) {
    const node = tree.get(p) as TreeNode;
    if (node.type !== 'symlink' || p.includes('\0')) continue;
    attempt(p, () => {
      fs.symlinkSync(node.target ?? '', diskPath(p));
      setLinkMetadata(diskPath(p), node, preserve);
    });
    written.push([p, node]);
  }
  // Directories last, children first: a read-only directory must not stop its children being written,
  // and none is opened up to others while we still work below it.
  for (const [p, node] of [...written].reverse()) if (node.type === 'dir') attempt(p, () => setDirMetadata(diskPath(p), node, preserve));
  return { written: written.length, skipped };
}

/** `--preserve` gives files to other users and makes device nodes: only root may ask for that. */
export function requirePreserveAllowed(): void {
  if (process.getuid?.() !== 0)
    throw new UsageError('extract --preserve restores owners and device nodes: run it as root, or leave --preserve out');
}

/** The disk path of canonical in-image path `p`; refuses anything that would not stay inside `root`. */
function _inside(root: string, p: string): string {
  const components = p.split('/').filter((c) => c !== '');
  const full = join(root, ...components);
  if (components.some((c) => c === '.' || c === '..') || !full.startsWith(root + sep))
    throw new OutputError(`refusing to write ${JSON.stringify(p)}: it would land outside ${root}`, root);
  return full;
}

function _nodeName(node: TreeNode): string {
  if (node.type === 'fifo') return 'FIFO';
  return `${node.type === 'chardev' ? 'character' : 'block'} device ${node.rdevmajor},${node.rdevminor}`;
}
