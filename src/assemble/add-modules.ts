// Kernel modules, their firmware, and the depmod files for exactly that subset, as plan entries; and,
// for an image whose modprobe is kmod's, kmod's binary indexes of the same subset; for systemd-tmpfiles, its
// on-demand loading nodes.
import type { PlanBuilder } from './plan-builder.js';
import { kmodBinaryIndexes } from '../kmod/depmod-binary-index.js';
import type { ModuleRequest, ModuleSource, ResolvedModuleFile } from '../kmod/module-source.js';
import { NO_WAIT_CONF, noWaitOptions } from './no-wait-options.js';
import { staticNodesTmpfiles } from '../kmod/static-nodes.js';

/** What addModules put in the image, for addKmodIndexes. */
export interface AddedModules {
  kver: string;
  modules: ResolvedModuleFile[];
  /** The text depmod files of the subset, by file name. */
  files: Map<string, string | Buffer>;
}

export async function addModules(plan: PlanBuilder, source: ModuleSource, requests: ModuleRequest[], omit: string[]): Promise<AddedModules> {
  const res = await source.resolve(requests, omit);
  const base = `/lib/modules/${source.kver}`;
  for (const m of res.modules) {
    const reasons = m.reasons.map((r) => ({ why: r, via: m.name }));
    const path = `${base}/${m.relPath}`;
    // compressed on disk, stored decompressed: the one form every modprobe and every kernel loads
    if (m.content !== undefined) plan.add({ type: 'file', path, mode: 0o644, content: m.content, decompressedFrom: m.diskPath, reasons });
    else plan.add({ type: 'file', path, mode: 0o644, source: m.diskPath, reasons });
  }
  for (const fw of res.firmware) {
    for (const l of fw.links) plan.add({ type: 'symlink', path: l.path, target: l.target, reasons: [{ why: `firmware link of module ${fw.module}`, via: fw.module }] });
    plan.add({ type: 'file', path: fw.path, mode: 0o644, source: fw.diskPath, reasons: [{ why: `firmware of module ${fw.module}`, via: fw.module }] });
  }
  const files = source.subsetFiles(res.modules);
  for (const [name, content] of files) {
    plan.add({ type: 'file', path: `${base}/${name}`, mode: 0o644, content, reasons: [{ why: `generated: ${name} for the modules in this image` }] });
  }
  const noWait = noWaitOptions(res.modules);
  if (noWait !== '')
    plan.add({ type: 'file', path: NO_WAIT_CONF, mode: 0o644, content: noWait, reasons: [{ why: 'generated: async_probe=1 for the modules that drive no device, so loading them waits for no device probe' }] });
  plan.warnings.push(...res.warnings);
  for (const n of res.notes) plan.note(n);
  return { kver: source.kver, modules: res.modules, files };
}

/**
 * kmod's *.bin indexes of the image's modules (libkmod reads nothing else), made by the build
 * machine's depmod. A modules.dep that differs from the text one busybox would read is a warning.
 */
export function addKmodIndexes(plan: PlanBuilder, added: AddedModules, depmod?: string): void {
  const base = `/lib/modules/${added.kver}`;
  const idx = kmodBinaryIndexes(added.kver, added.modules, added.files, depmod);
  for (const [name, content] of idx.files)
    plan.add({ type: 'file', path: `${base}/${name}`, mode: 0o644, content, reasons: [{ why: 'generated: kmod binary index (depmod)' }] });
  if (added.files.has('modules.dep') && idx.modulesDep !== added.files.get('modules.dep'))
    plan.warnings.push(`depmod's modules.dep of the image's modules differs from the generated text one; kmod's modprobe follows depmod's`);
}

/** The image's on-demand loading nodes as tmpfiles.d lines at `path` (none when no module has one). */
export function addStaticNodes(plan: PlanBuilder, added: AddedModules, path: string, feature: string): void {
  const devname = added.files.get('modules.devname');
  const lines = staticNodesTmpfiles(devname === undefined ? '' : devname.toString(), `/lib/modules/${added.kver}/modules.devname`);
  if (lines === '') return;
  plan.add({ type: 'file', path, mode: 0o644, content: lines, reasons: [{ why: `generated: the image's modules.devname as tmpfiles.d lines (feature ${feature}, instead of kmod-static-nodes at boot)` }] });
}
