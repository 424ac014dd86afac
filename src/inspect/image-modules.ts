// The kernel modules an unpacked image holds: every .ko file (plain or compressed) by module name, and
// the module directories (lib/modules/KVER, wherever /lib leads) that modprobe would read.
import { modnameFromPath } from '../kmod/names.js';
import type { ImageTree } from './image-tree.js';

export interface ImageModule {
  /** Module name, normalised ("nvme_core"). */
  name: string;
  /** Canonical path in the image. */
  path: string;
  /** The module directory it lies under ("/usr/lib/modules/6.1.0-56-amd64"), if any. */
  moduleDir?: string;
}

export interface ModuleDir {
  kver: string;
  /** Canonical path. */
  path: string;
}

const MODULE_FILE = /\.ko(\.(gz|xz|zst))?$/;

function _isModuleFile(path: string): boolean {
  return MODULE_FILE.test(path);
}

/** Every lib/modules/KVER directory, through /lib and /usr/lib, deduplicated. */
export function moduleDirs(tree: ImageTree): ModuleDir[] {
  const out = new Map<string, ModuleDir>();
  for (const base of ['/lib/modules', '/usr/lib/modules']) {
    const found = tree.resolve(base);
    if (found?.node?.type !== 'dir') continue;
    for (const kver of tree.children(found.path)) {
      const path = `${found.path}/${kver}`;
      if (tree.get(path)?.type === 'dir') out.set(path, { kver, path });
    }
  }
  return [...out.values()].sort((a, b) => a.kver.localeCompare(b.kver));
}

/** Every module file in the image, sorted by path. */
export function imageModules(tree: ImageTree, dirs: readonly ModuleDir[] = moduleDirs(tree)): ImageModule[] {
  const out: ImageModule[] = [];
  for (const path of tree.paths()) {
    if (!_isModuleFile(path) || tree.get(path)?.type !== 'file') continue;
    const dir = dirs.find((d) => path.startsWith(`${d.path}/`));
    out.push(dir ? { name: modnameFromPath(path), path, moduleDir: dir.path } : { name: modnameFromPath(path), path });
  }
  return out;
}
