// Replays an image's entries the way the kernel's initramfs unpacker (init/initramfs.c) applies them
// to rootfs, so that a later segment overrides an earlier one exactly as at boot:
//   - a name whose type differs from what is already there replaces it (a directory only if empty);
//   - a regular file of the same name is truncated and rewritten in place (its hard links see it);
//   - a directory of the same name keeps its contents and takes the new mode;
//   - a symlink always replaces what was there;
//   - a device, fifo or socket that already exists keeps its old node;
//   - parent directories are never created: an entry whose parent is missing is lost.
// Anything odd (absolute or ".." names, names written through a symlink, lost entries) becomes a note.
import type { CpioEntry, ImageSegment } from '../cpio/newc-reader.js';
import { S_IFDIR } from '../cpio/newc-format.js';
import { ImageTree } from './image-tree.js';
import type { TreeNode } from './tree-node.js';

export interface UnpackNote {
  /** The name as stored in the archive. */
  path: string;
  message: string;
  /** True when the entry does not make it into the tree at all. */
  lost: boolean;
}

export interface UnpackedImage {
  tree: ImageTree;
  notes: UnpackNote[];
}

export function unpackSegments(segments: readonly ImageSegment[]): UnpackedImage {
  const root: TreeNode = { type: 'dir', mode: S_IFDIR | 0o755, uid: 0, gid: 0, mtime: 0, rdevmajor: 0, rdevminor: 0, segment: 0 };
  const tree = new ImageTree(root);
  const notes: UnpackNote[] = [];
  segments.forEach((segment, index) => {
    const firstOfGroup = new Map<string, TreeNode>(); // hard-link groups, per archive as the kernel keeps them
    for (const entry of segment.entries) _apply(tree, entry, index, firstOfGroup, notes);
  });
  return { tree, notes };
}

function _apply(tree: ImageTree, entry: CpioEntry, segment: number, groups: Map<string, TreeNode>, notes: UnpackNote[]): void {
  const note = (message: string, lost = false): void => void notes.push({ path: entry.path, message, lost });
  if (entry.path.startsWith('/')) note('absolute name: unpacked relative to the image root');
  if (entry.path.split('/').includes('..')) note('name contains "..": resolved inside the image root');
  const slash = entry.path.replace(/\/+$/, '').lastIndexOf('/');
  const base = entry.path.replace(/\/+$/, '').slice(slash + 1);
  if (base === '' || base === '.' || base === '..') {
    const self = tree.resolve(`/${entry.path}`);
    if (entry.type === 'dir' && self?.node?.type === 'dir') Object.assign(self.node, _attrs(entry, segment));
    else note('names an existing directory, not a file of its own: skipped', true);
    return;
  }
  const parent = tree.resolve(slash < 0 ? '/' : `/${entry.path.slice(0, slash)}`);
  if (parent === undefined || parent.node?.type !== 'dir') {
    note('its parent directory does not exist at this point: the kernel skips it', true);
    return;
  }
  if (parent.throughLink) note('written through a symlink of the image: placed where the link leads, inside the image root');
  const path = parent.path === '/' ? `/${base}` : `${parent.path}/${base}`;
  const existing = tree.get(path);
  const sameType = existing?.type === entry.type && entry.type !== 'symlink';
  if (existing && !sameType && !tree.remove(path)) {
    note('replaces a non-empty directory: the kernel cannot, so the entry is lost', true);
    return;
  }
  if (entry.type === 'dir') {
    if (sameType && existing) Object.assign(existing, _attrs(entry, segment));
    else tree.set(path, _node(entry, segment));
    return;
  }
  if (entry.type === 'file') return _applyFile(tree, path, entry, segment, sameType ? existing : undefined, groups);
  if (sameType && existing) {
    Object.assign(existing, { ..._attrs(entry, segment), rdevmajor: existing.rdevmajor, rdevminor: existing.rdevminor });
    return;
  }
  tree.set(path, _node(entry, segment));
}

function _applyFile(
  tree: ImageTree,
  path: string,
  entry: CpioEntry,
  segment: number,
  existing: TreeNode | undefined,
  groups: Map<string, TreeNode>,
): void {
  const linkedTo = entry.hardlinkOf === undefined ? undefined : groups.get(entry.hardlinkOf);
  if (linkedTo?.content) {
    // A later name of a hard-link group replaces whatever has its name, then links to the first.
    if (existing) tree.remove(path);
    if (entry.size > 0) linkedTo.content.data = entry.data;
    tree.set(path, { ..._node(entry, segment), content: linkedTo.content });
    return;
  }
  let node: TreeNode;
  if (existing?.content) {
    // Opened with O_TRUNC: the same inode, so any hard link to it sees the new bytes.
    existing.content.data = entry.data;
    node = Object.assign(existing, _attrs(entry, segment));
  } else {
    node = _node(entry, segment);
    tree.set(path, node);
  }
  if (entry.hardlinkOf === undefined && entry.nlink >= 2) groups.set(entry.path, node);
}

function _attrs(entry: CpioEntry, segment: number): Pick<TreeNode, 'mode' | 'uid' | 'gid' | 'mtime' | 'segment'> {
  return { mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime, segment };
}

function _node(entry: CpioEntry, segment: number): TreeNode {
  const node: TreeNode = {
    type: entry.type,
    ..._attrs(entry, segment),
    rdevmajor: entry.rdevmajor,
    rdevminor: entry.rdevminor,
  };
  if (entry.type === 'file') node.content = { data: entry.data };
  if (entry.type === 'symlink') node.target = entry.target ?? entry.data.toString('utf8');
  return node;
}
