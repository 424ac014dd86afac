// modules.dep in each lib/modules/KVER of the image must agree with the module files there: modprobe
// (kmod's or busybox's) finds modules only through it. Every file it lists must exist, and every
// module file must be listed. Only modules.dep.bin without the text file cannot be checked here and
// is accepted (kmod reads either).
import { ModulesDbError } from '../../errors.js';
import { type DepEntry, parseModulesDep } from '../../kmod/modules-dep.js';
import type { ImageTree } from '../image-tree.js';
import type { ModuleIndex } from './module-index.js';
import { type Problem, problem } from './problem.js';

export function checkModulesDepFile(tree: ImageTree, index: ModuleIndex): Problem[] {
  const problems: Problem[] = [];
  for (const dir of index.dirs) {
    const files = index.modules.filter((m) => m.moduleDir === dir.path);
    const depPath = `${dir.path}/modules.dep`;
    const text = tree.resolve(depPath)?.node?.content?.data.toString('utf8');
    if (text === undefined) {
      if (files.length > 0 && tree.resolve(`${depPath}.bin`) === undefined)
        problems.push(problem(`${files.length} module files but no modules.dep: modprobe cannot load them; run depmod for the image`, dir.path));
      continue;
    }
    let entries: readonly DepEntry[];
    try {
      entries = parseModulesDep(text, depPath).entries;
    } catch (err) {
      if (err instanceof ModulesDbError) {
        problems.push(problem(err.message, depPath));
        continue;
      }
      throw err;
    }
    const listed = new Set<string>();
    const missing = new Set<string>();
    for (const entry of entries) {
      for (const file of [entry.path, ...entry.deps]) {
        const path = file.startsWith('/') ? file : `${dir.path}/${file}`;
        if (file === entry.path) listed.add(tree.realpath(path));
        if (tree.resolve(path)?.node?.type !== 'file') missing.add(file);
      }
    }
    for (const file of [...missing].sort())
      problems.push(problem(`lists ${file}, which is not in the image: add it or rerun depmod for the image`, depPath));
    for (const m of files)
      if (!listed.has(m.path)) problems.push(problem(`not listed in ${depPath}: modprobe cannot find it; rerun depmod for the image`, m.path));
  }
  return problems;
}
