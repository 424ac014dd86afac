// `diff`: what changed between two images once each is unpacked — paths added and removed, paths whose
// type, mode, owner, content (compared by SHA-256), link target or device number differ, the kernel
// modules gained and lost (by module name), and the sizes. Modification times are not compared:
// every build stamps its own.
import { createHash } from 'node:crypto';
import type { ImageTree } from './image-tree.js';
import { imageModules } from './image-modules.js';
import type { LoadedImage } from './load-image.js';
import { modeString } from './mode-string.js';
import type { TreeNode } from './tree-node.js';

export interface PathChange {
  path: string;
  /** One human-readable line per difference: "mode -rw-r--r-- -> -rwxr-xr-x". */
  changes: string[];
}

export interface ImageSizes {
  /** The image file as stored (compressed). */
  fileSize: number;
  /** Bytes of regular-file contents once unpacked, each hard-linked file counted once. */
  unpacked: number;
}

export interface ImageDiff {
  added: string[];
  removed: string[];
  changed: PathChange[];
  modules: { added: string[]; removed: string[] };
  sizes: { a: ImageSizes; b: ImageSizes; fileDelta: number; unpackedDelta: number };
}

type DiffInput = Pick<LoadedImage, 'tree' | 'fileSize'>;

export function diffImages(a: DiffInput, b: DiffInput): ImageDiff {
  const aPaths = new Set(a.tree.paths());
  const bPaths = new Set(b.tree.paths());
  const changed: PathChange[] = [];
  for (const path of aPaths) {
    if (!bPaths.has(path)) continue;
    const changes = _nodeChanges(a.tree.get(path) as TreeNode, b.tree.get(path) as TreeNode);
    if (changes.length > 0) changed.push({ path, changes });
  }
  const aModules = new Set(imageModules(a.tree).map((m) => m.name));
  const bModules = new Set(imageModules(b.tree).map((m) => m.name));
  const sizeA = { fileSize: a.fileSize, unpacked: _unpackedSize(a.tree) };
  const sizeB = { fileSize: b.fileSize, unpacked: _unpackedSize(b.tree) };
  return {
    added: [...bPaths].filter((p) => !aPaths.has(p)).sort(),
    removed: [...aPaths].filter((p) => !bPaths.has(p)).sort(),
    changed,
    modules: {
      added: [...bModules].filter((m) => !aModules.has(m)).sort(),
      removed: [...aModules].filter((m) => !bModules.has(m)).sort(),
    },
    sizes: { a: sizeA, b: sizeB, fileDelta: sizeB.fileSize - sizeA.fileSize, unpackedDelta: sizeB.unpacked - sizeA.unpacked },
  };
}

function _unpackedSize(tree: ImageTree): number {
  const seen = new Set<object>();
  let total = 0;
  for (const path of tree.paths()) {
    const content = tree.get(path)?.content;
    if (content === undefined || seen.has(content)) continue;
    seen.add(content);
    total += content.data.length;
  }
  return total;
}

function _nodeChanges(a: TreeNode, b: TreeNode): string[] {
  if (a.type !== b.type) return [`type ${a.type} -> ${b.type}`];
  const out: string[] = [];
  if ((a.mode & 0o7777) !== (b.mode & 0o7777)) out.push(`mode ${modeString(a.type, a.mode)} -> ${modeString(b.type, b.mode)}`);
  if (a.uid !== b.uid || a.gid !== b.gid) out.push(`owner ${a.uid}:${a.gid} -> ${b.uid}:${b.gid}`);
  if (a.type === 'symlink' && a.target !== b.target) out.push(`target ${a.target ?? ''} -> ${b.target ?? ''}`);
  if ((a.type === 'chardev' || a.type === 'blockdev') && (a.rdevmajor !== b.rdevmajor || a.rdevminor !== b.rdevminor))
    out.push(`device ${a.rdevmajor},${a.rdevminor} -> ${b.rdevmajor},${b.rdevminor}`);
  const aData = a.content?.data;
  const bData = b.content?.data;
  if (aData && bData && !aData.equals(bData))
    out.push(`content sha256 ${_sha(aData)} (${aData.length} bytes) -> ${_sha(bData)} (${bData.length} bytes)`);
  return out;
}

function _sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}
