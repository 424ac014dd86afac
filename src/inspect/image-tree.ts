// The file tree an image unpacks to: canonical in-root paths ("/usr/bin/x", no symlink in any parent)
// to nodes. Paths are walked the way the kernel walks them inside rootfs: symlinks are followed
// component by component, absolute targets start again at the image's root, and ".." is physical (the
// parent of where a symlink led), never above the root.
import type { TreeNode } from './tree-node.js';

const MAX_LINKS = 40; // as the kernel's ELOOP limit

export interface Walked {
  /** Canonical path of the final component. */
  path: string;
  /** Its node; undefined when only the final component is missing. */
  node: TreeNode | undefined;
  /** True when a symlink was followed on the way. */
  throughLink: boolean;
}

export class ImageTree {
  private readonly _nodes = new Map<string, TreeNode>();
  private readonly _children = new Map<string, Set<string>>();

  constructor(root: TreeNode) {
    this._nodes.set('/', root);
    this._children.set('/', new Set());
  }

  get(path: string): TreeNode | undefined {
    return this._nodes.get(path);
  }

  /** Sorted names in the directory at canonical `dir`; [] when it is not a directory. */
  children(dir: string): string[] {
    return [...(this._children.get(dir) ?? [])].sort();
  }

  /** Every canonical path, "/" included, sorted. */
  paths(): string[] {
    return [...this._nodes.keys()].sort();
  }

  get size(): number {
    return this._nodes.size;
  }

  /** Store `node` at canonical `path`, whose parent must be a directory in the tree. */
  set(path: string, node: TreeNode): void {
    const parent = _parentOf(path);
    const siblings = this._children.get(parent);
    if (siblings === undefined) throw new Error(`ImageTree.set: ${parent} is not a directory`);
    siblings.add(path.slice(parent === '/' ? 1 : parent.length + 1));
    this._nodes.set(path, node);
    if (node.type === 'dir' && !this._children.has(path)) this._children.set(path, new Set());
  }

  /** Remove a name; a directory only when empty. Returns false when it could not be removed. */
  remove(path: string): boolean {
    if (path === '/' || (this._children.get(path)?.size ?? 0) > 0) return false;
    this._nodes.delete(path);
    this._children.delete(path);
    const parent = _parentOf(path);
    this._children.get(parent)?.delete(path.slice(parent === '/' ? 1 : parent.length + 1));
    return true;
  }

  /** The name `path` refers to without following a final symlink (lstat); undefined when a parent is missing. */
  lookup(path: string): Walked | undefined {
    return this._walk(path, false);
  }

  /** The file `path` leads to, every symlink followed (stat). */
  resolve(path: string): Walked | undefined {
    const walked = this._walk(path, true);
    return walked?.node === undefined ? undefined : walked;
  }

  /** Host.realpath: symlinks followed as far as they exist; missing components are kept as written. */
  realpath(path: string): string {
    let pending = _components(path);
    let done = '';
    let links = 0;
    while (pending.length > 0) {
      const comp = pending.shift() as string;
      if (comp === '..') {
        done = done.slice(0, Math.max(0, done.lastIndexOf('/')));
        continue;
      }
      const next = `${done}/${comp}`;
      const node = this._nodes.get(next);
      if (node?.type === 'symlink' && links++ < MAX_LINKS) {
        pending = [..._components(node.target ?? ''), ...pending];
        if (node.target?.startsWith('/')) done = '';
        continue;
      }
      done = next;
    }
    return done === '' ? '/' : done;
  }

  private _walk(path: string, followLast: boolean): Walked | undefined {
    const direct = this._direct(path, followLast);
    if (direct !== undefined) return direct;
    let pending = _components(path);
    let done = '';
    let links = 0;
    let throughLink = false;
    while (pending.length > 0) {
      const comp = pending.shift() as string;
      if (comp === '..') {
        done = done.slice(0, Math.max(0, done.lastIndexOf('/')));
        continue;
      }
      const next = `${done}/${comp}`;
      const node = this._nodes.get(next);
      const last = pending.length === 0;
      if (node === undefined) return last ? { path: next, node: undefined, throughLink } : undefined;
      if (node.type === 'symlink' && (!last || followLast)) {
        if (++links > MAX_LINKS) return undefined;
        throughLink = true;
        pending = [..._components(node.target ?? ''), ...pending];
        if (node.target?.startsWith('/')) done = '';
        continue;
      }
      if (!last && node.type !== 'dir') return undefined;
      done = next;
    }
    const final = done === '' ? '/' : done;
    return { path: final, node: this._nodes.get(final), throughLink };
  }

  /**
   * The answer without walking, when `path` (no "..") is a key: every key is canonical, since a
   * directory that still has children is never replaced, so no parent of it is a symlink. Walking
   * component by component rebuilt each prefix, which made unpacking a deep chain cubic.
   */
  private _direct(path: string, followLast: boolean): Walked | undefined {
    const components = _components(path);
    if (components.includes('..')) return undefined;
    const key = `/${components.join('/')}`;
    const node = this._nodes.get(key);
    if (node === undefined || key === '/' || (followLast && node.type === 'symlink')) return undefined;
    return { path: key, node, throughLink: false };
  }
}

/** Path components with "." and empty ones dropped; ".." kept, to be resolved physically. */
function _components(path: string): string[] {
  return path.split('/').filter((c) => c !== '' && c !== '.');
}

function _parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}
