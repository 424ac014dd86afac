// When the image fixes the root filesystem type (rootfstype= in /etc/cmdline.d/*.conf, read in name
// order, the last one winning as on the kernel command line), a driver for each named type must be
// there: a module of that name or with the alias the kernel requests ("fs-ext4") in the image, or a
// module modules.builtin says is built in.
import { CMDLINE_DIR } from '../../boot-contract.js';
import { modinfoValues } from '../../kmod/modinfo.js';
import { normalizeAlias, normalizeModname } from '../../kmod/names.js';
import type { ImageTree } from '../image-tree.js';
import { builtinFor, type ModuleIndex } from './module-index.js';
import { type Problem, problem } from './problem.js';

/** Filesystems no kernel that can run an initramfs lacks. */
const ALWAYS_THERE = new Set(['rootfs', 'ramfs', 'tmpfs']);

export interface RootFsType {
  types: string[];
  /** The file that set it. */
  file: string;
}

/** The rootfstype= the image's own command line sets, if any. */
export function imageRootFsType(tree: ImageTree): RootFsType | undefined {
  const dir = tree.resolve(CMDLINE_DIR);
  if (dir?.node?.type !== 'dir') return undefined;
  let found: RootFsType | undefined;
  for (const name of tree.children(dir.path)) {
    if (!name.endsWith('.conf')) continue;
    const file = `${CMDLINE_DIR}/${name}`;
    const text = tree.resolve(file)?.node?.content?.data.toString('utf8') ?? '';
    for (const line of text.split('\n')) {
      if (line.trimStart().startsWith('#')) continue;
      for (const word of line.split(/\s+/)) {
        const value = /^"?rootfstype=([^"\s]*)"?$/.exec(word)?.[1];
        if (value !== undefined) found = { types: value.split(',').filter((t) => t !== ''), file };
      }
    }
  }
  return found;
}

export function checkRootFs(tree: ImageTree, index: ModuleIndex): Problem[] {
  const root = imageRootFsType(tree);
  if (root === undefined) return [];
  const builtin = builtinFor(index, undefined);
  const aliases = new Set<string>();
  for (const m of index.modules)
    for (const a of m.modinfo ? modinfoValues(m.modinfo, 'alias') : []) aliases.add(normalizeAlias(a) ?? a);
  const problems: Problem[] = [];
  for (const type of root.types) {
    const name = normalizeModname(type);
    const request = normalizeAlias(`fs-${type}`) ?? `fs-${type}`;
    if (ALWAYS_THERE.has(type) || index.names.has(name) || aliases.has(request)) continue;
    if (builtin.names.has(name) || builtin.aliases.has(request)) continue;
    const hint = builtin.listed ? 'nor built into the kernel (modules.builtin)' : 'and no modules.builtin shows it built in';
    problems.push(problem(`rootfstype=${type}, but no ${type} driver is in the image ${hint}: add the ${name} module`, root.file));
  }
  return problems;
}
