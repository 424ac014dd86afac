// Every kernel module in the image must be loadable: its .modinfo readable, built for the kernel whose
// directory it lies in (vermagic), and each module named by its `depends=` present in the image or
// built into the kernel (modules.builtin). With --kver, the image must hold that kernel's modules.
import { modinfoDepends, modinfoValue } from '../../kmod/modinfo.js';
import { normalizeModname } from '../../kmod/names.js';
import { builtinFor, type ModuleIndex } from './module-index.js';
import { type Problem, problem } from './problem.js';

export function checkModuleDeps(index: ModuleIndex, kver: string | undefined): Problem[] {
  const problems: Problem[] = [];
  if (kver !== undefined && index.modules.length > 0 && !index.dirs.some((d) => d.kver === kver)) {
    const have = index.dirs.map((d) => d.kver).join(', ') || 'none';
    problems.push(problem(`the image holds kernel modules but no lib/modules/${kver} (it has: ${have}): rebuild it for ${kver}`));
  }
  const byDir = new Map<string | undefined, Set<string>>();
  const present = (dir: string | undefined): Set<string> => {
    let names = byDir.get(dir);
    if (!names) byDir.set(dir, (names = dir === undefined ? index.names : new Set(index.modules.filter((o) => o.moduleDir === dir).map((o) => o.name))));
    return names;
  };
  for (const m of index.modules) {
    if (m.modinfo === undefined) {
      problems.push(problem(m.error ?? 'unreadable kernel module', m.path));
      continue;
    }
    const dirKver = index.dirs.find((d) => d.path === m.moduleDir)?.kver;
    const expected = dirKver ?? kver;
    const built = modinfoValue(m.modinfo, 'vermagic')?.split(' ')[0];
    if (expected !== undefined && built !== undefined && built !== expected)
      problems.push(problem(`built for kernel ${built}, but used with ${expected}: the kernel refuses to load it`, m.path));
    const builtin = builtinFor(index, m.moduleDir);
    for (const dep of modinfoDepends(m.modinfo).map(normalizeModname)) {
      if (dep === '' || present(m.moduleDir).has(dep) || builtin.names.has(dep)) continue;
      const hint = builtin.listed ? 'nor built into the kernel (modules.builtin)' : 'and the image has no modules.builtin to show it built in';
      problems.push(problem(`depends on ${dep}, which is not in the image ${hint}: add ${dep}`, m.path));
    }
  }
  return problems;
}
