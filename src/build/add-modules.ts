// Kernel modules, their firmware, and the depmod files for exactly that subset, as plan entries.
import type { PlanBuilder } from '../plan/plan-builder.js';
import type { ModuleRequest, ModuleSource } from './module-source.js';

export function addModules(plan: PlanBuilder, source: ModuleSource, requests: ModuleRequest[], omit: string[]): void {
  const res = source.resolve(requests, omit);
  const base = `/lib/modules/${source.kver}`;
  for (const m of res.modules) {
    plan.add({
      type: 'file',
      path: `${base}/${m.relPath}`,
      mode: 0o644,
      source: m.diskPath,
      reasons: m.reasons.map((r) => ({ why: r, via: m.name })),
    });
  }
  for (const fw of res.firmware) {
    for (const l of fw.links) plan.add({ type: 'symlink', path: l.path, target: l.target, reasons: [{ why: `firmware link of module ${fw.module}`, via: fw.module }] });
    plan.add({ type: 'file', path: fw.path, mode: 0o644, source: fw.diskPath, reasons: [{ why: `firmware of module ${fw.module}`, via: fw.module }] });
  }
  for (const [name, content] of source.subsetFiles(res.modules)) {
    plan.add({ type: 'file', path: `${base}/${name}`, mode: 0o644, content, reasons: [{ why: `generated: ${name} for the modules in this image` }] });
  }
  plan.warnings.push(...res.warnings);
}
