// Plan assembly: features, binaries, kernel modules and generated config → a complete sorted Plan.
// Reads the sysroot only through Host; writes nothing.
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { EMBEDDED_CMDLINE, hookPath, IMAGE_CONF, imageConfText } from '../boot-contract.js';
import { ConfigError, NotBootableError } from '../errors.js';
import type { FeatureManifest } from '../features/manifest.js';
import { parseShebang } from '../elf/shebang.js';
import { runInstallScript, type Directive, type ScriptEnv } from '../features/feature-scripts.js';
import type { SelectedFeature } from '../features/select-features.js';
import type { Host } from '../host/host.js';
import type { Plan, PlanNote } from './plan.js';
import { PlanBuilder } from './plan-builder.js';
import { addBusyboxApplets, addSysrootFiles, findBinaries } from './add-binaries.js';
import { addKmodIndexes, addModules, addStaticNodes } from './add-modules.js';
import { addSkeleton, canonicalImagePath } from './image-layout.js';
import { addMicrocode } from './microcode.js';
import { addSystemdUnits } from './add-systemd.js';
import { dlopenSelection } from '../elf/dlopen-selection.js';
import { findLibraryFile } from '../elf/find-library-file.js';
import type { ResolveOptions } from '../elf/library-resolver.js';
import type { ModuleRequest, ModuleSource } from '../kmod/module-source.js';

export interface AssembleInput {
  host: Host;
  kver: string;
  features: SelectedFeature[];
  modules: ModuleSource;
  hostonly: boolean;
  addDrivers: string[];
  omitDrivers: string[];
  forceDrivers: string[];
  /** Host-only: the drivers the detector found, with their reasons. */
  detectedModules?: ModuleRequest[];
  /** Extra sysroot paths (--install). */
  install: string[];
  /** Embedded command-line defaults (the kernel's own command line wins). */
  kernelCmdline: string;
  rootTimeout?: number;
  /** Extra inline files (e.g. the host-only record). */
  extraFiles?: { path: string; content: string | Buffer; why: string }[];
  /** Warnings found before planning (host-only detection), kept with the plan's own. */
  warnings?: string[];
  /** Environment of features' install scripts. */
  scriptEnv?: ScriptEnv;
  /** Plan only (--dry-run): run no install script, and say so in a note of each feature that has one. */
  dryRun?: boolean;
  /** Plan the uncompressed early archive with the sysroot's CPU microcode. */
  earlyMicrocode?: boolean;
  /** Notes the caller planned (the network plan). */
  notes?: PlanNote[];
}

export async function assemblePlan(input: AssembleInput): Promise<Plan> {
  const { host } = input;
  const plan = new PlanBuilder(input.kver, canonicalImagePath);
  plan.warnings.push(...(input.warnings ?? []));
  addSkeleton(plan);
  for (const n of input.notes ?? []) plan.note(n);

  // The kernel modules first: resolving them starts the decompression of compressed ones in other
  // processes, which then runs while the binaries and their libraries are planned here.
  const requests: ModuleRequest[] = [];
  const directives = new Map<SelectedFeature, { why: string; list: Directive[] }>();
  for (const sel of input.features) {
    const { feature, why } = sel;
    if (feature.install_script && input.dryRun) {
      plan.note({ subject: `feature ${feature.name}`, text: `install script ${feature.install_script} not run (--dry-run): what it adds is not in this plan`, reasons: [why] });
    } else if (feature.install_script && input.scriptEnv) {
      const swhy = `feature ${feature.name} (${feature.install_script})`;
      const list = runInstallScript(feature, input.scriptEnv);
      for (const d of list) if (d.kind === 'module') requests.push({ name: d.name, optional: d.optional, why: swhy });
      directives.set(sel, { why: swhy, list: list.filter((d) => d.kind !== 'module') });
    }
    if (!(feature.generic_only && input.hostonly)) {
      for (const m of feature.kernel_modules) {
        const optional = m.endsWith('?');
        requests.push({ name: optional ? m.slice(0, -1) : m, optional, why: `feature ${feature.name} (${why})` });
      }
    }
  }
  for (const m of input.detectedModules ?? []) requests.push(m);
  for (const m of input.addDrivers) requests.push({ name: m, optional: false, why: 'requested with --add-drivers' });
  for (const m of input.forceDrivers) requests.push({ name: m, optional: false, why: 'forced driver (loaded first at boot)' });
  const modules = addModules(plan, input.modules, requests, input.omitDrivers);
  modules.catch(() => undefined); // awaited below; an error of the planning here may come first

  // declared dlopen() libraries come along at the priorities and note features some feature asks for
  const dlopen = dlopenSelection(input.features.flatMap((s) => s.feature.dlopen));
  const opts: ResolveOptions = dlopen.filter ? { dlopen: dlopen.filter } : {};
  // a feature whose program is PID 1 replaces the shell /init
  const initFeature = input.features.find((s) => s.feature.init !== undefined)?.feature;
  const applets: string[] = [];
  let busybox: string | undefined;
  for (const sel of input.features) {
    const { feature } = sel;
    const fwhy = `feature ${feature.name}`;
    if (feature.init !== undefined && feature === initFeature) {
      addSysrootFiles(host, plan, [feature.init], `${fwhy}: PID 1`, opts);
      plan.add({ type: 'symlink', path: '/init', target: feature.init.replace(/^\/+/, ''), reasons: [{ why: `${fwhy}: /init is ${feature.init}` }] });
    }
    if (feature.systemd_units.length) addSystemdUnits(host, plan, feature, opts, feature === initFeature);
    for (const f of feature.files) {
      if (f.path === '/init' && initFeature !== undefined && feature !== initFeature) continue;
      if (f.source !== undefined) {
        plan.add({ type: 'file', path: f.path, mode: f.mode ?? 0o644, content: _featureFile(host, feature, f.source), reasons: [{ why: fwhy }] });
      } else if (f.from_sysroot !== undefined) {
        // host-only generates its own version of some sysroot files (crypttab: the root's entries only)
        if (input.extraFiles?.some((x) => x.path === f.path)) continue;
        if (!host.exists(f.from_sysroot)) {
          if (f.optional) continue;
          throw new NotBootableError(`feature ${feature.name} needs ${f.from_sysroot}, which is not in ${host.root} (${feature.file})`);
        }
        addSysrootFiles(host, plan, [f.from_sysroot], fwhy, opts);
      }
    }
    for (const h of feature.hooks) {
      const path = hookPath(h.stage, h.order, feature.name, h.script);
      plan.add({ type: 'file', path, mode: 0o644, content: _featureFile(host, feature, h.script), reasons: [{ why: `${fwhy}, ${h.stage} hook` }] });
    }
    for (const l of feature.libraries) {
      const optional = l.endsWith('?');
      const name = optional ? l.slice(0, -1) : l;
      const found = findLibraryFile(host, name);
      if (found !== undefined) addSysrootFiles(host, plan, [found], `${fwhy}: library ${name}`, opts);
      else if (!optional) throw new NotBootableError(`feature ${feature.name} needs library ${name}, which no library directory of ${host.root} has; install it (${feature.file})`);
      else plan.note({ subject: name, text: `optional library ${name} not in the sysroot: skipped`, reasons: [fwhy] });
    }
    // the shell /init's tools stay out when another init is PID 1 (systemd opens LUKS without cryptsetup's CLI)
    const bins = findBinaries(host, [...feature.binaries, ...(initFeature ? [] : feature.shell_binaries)], `feature ${feature.name}`);
    if (bins.size) addSysrootFiles(host, plan, [...bins.values()], fwhy, opts);
    if (bins.has('busybox')) busybox = bins.get('busybox');
    for (const l of feature.links) {
      if (l.if_binary !== undefined && !bins.has(l.if_binary)) continue;
      plan.add({ type: 'symlink', path: l.path, target: l.target, reasons: [{ why: fwhy }] });
    }
    applets.push(...feature.busybox_applets);
    const scripted = directives.get(sel);
    for (const d of scripted?.list ?? []) {
      const swhy = scripted?.why ?? fwhy;
      if (d.kind === 'symlink') plan.add({ type: 'symlink', path: d.path, target: d.target, reasons: [{ why: swhy }] });
      else if (d.kind === 'dir') plan.add({ type: 'dir', path: d.path, mode: 0o755, reasons: [{ why: swhy }] });
      else if (d.kind === 'binary') {
        const found = findBinaries(host, [`${d.name}${d.optional ? '?' : ''}`], swhy);
        if (found.size) addSysrootFiles(host, plan, [...found.values()], swhy, opts);
      } else if (d.kind === 'file') {
        if (host.exists(d.name)) addSysrootFiles(host, plan, [d.name], swhy, opts);
        else if (!d.optional) throw new NotBootableError(`${swhy} wants ${d.name}, which is not in ${host.root}`);
      }
    }
  }
  const added = await modules;

  if (input.install.length) addSysrootFiles(host, plan, input.install, 'requested with --install', opts);
  for (const f of input.extraFiles ?? []) plan.add({ type: 'file', path: f.path, mode: 0o644, content: f.content, reasons: [{ why: f.why }] });

  plan.add({
    type: 'file',
    path: IMAGE_CONF,
    mode: 0o644,
    content: imageConf(input),
    reasons: [{ why: 'generated: settings /init reads (kernel version, mode, timeout, forced drivers)' }],
  });
  if (input.kernelCmdline.trim()) {
    plan.add({
      type: 'file',
      path: EMBEDDED_CMDLINE,
      mode: 0o644,
      content: `${input.kernelCmdline.trim()}\n`,
      reasons: [{ why: 'generated: embedded command-line defaults; the kernel command line overrides them' }],
    });
  }
  // last, so that real binaries of the same names win over applet links
  if (busybox) addBusyboxApplets(host, plan, busybox, applets, 'feature base');
  _requireInitShell(plan, host.root);
  // busybox's modprobe reads the text files; kmod's (and so the kernel's request_module) only *.bin
  const modprobe = _finalTarget(plan, '/usr/sbin/modprobe');
  const libkmod = input.features.some((s) => s.feature.kmod_indexes);
  if (libkmod || (modprobe !== undefined && modprobe !== (busybox && canonicalImagePath(busybox)))) addKmodIndexes(plan, added);
  for (const s of input.features) if (s.feature.static_nodes !== undefined) addStaticNodes(plan, added, s.feature.static_nodes, s.feature.name);
  if (input.earlyMicrocode) addMicrocode(plan, host);
  for (const s of dlopen.skipped()) {
    const askers = input.features.filter((f) => f.feature.dlopen.length).map((f) => `feature ${f.feature.name} (dlopen = ${f.feature.dlopen.join(', ')})`);
    plan.note({ subject: s.soname, text: `skipped dlopen library ${s.soname} (feature ${s.feature}, priority ${s.priority}) declared by ${s.from.join(', ')}`, reasons: askers });
  }
  return plan.build();
}

/** /init is a #! script: its shell must be in the image (busybox's sh, or the userspace feature's). */
function _requireInitShell(plan: PlanBuilder, root: string): void {
  const init = plan.get('/init');
  if (init?.type !== 'file' || init.content === undefined) return;
  const shell = parseShebang(Buffer.from(init.content))?.interpreter;
  if (shell === undefined || _finalTarget(plan, canonicalImagePath(shell)) !== undefined) return;
  throw new NotBootableError(
    `the image has no ${shell} to run /init: ${root} has neither busybox nor a shell (install busybox-static there, or keep the userspace feature and install dash there)`,
  );
}

/** The file entry a path of the plan ends at after its symlinks, or undefined (missing, or a loop). */
function _finalTarget(plan: PlanBuilder, path: string): string | undefined {
  let p = path;
  for (let hops = 0; hops < 16; hops++) {
    const e = plan.get(p);
    if (e === undefined) return undefined;
    if (e.type !== 'symlink') return e.type === 'file' ? e.path : undefined;
    p = canonicalImagePath(posix.resolve(posix.dirname(e.path), e.target));
  }
  return undefined;
}

function imageConf(input: AssembleInput): string {
  return imageConfText({
    IMAGE_KVER: input.kver,
    IMAGE_MODE: input.hostonly ? 'host-only' : 'generic',
    IMAGE_FEATURES: input.features.map((f) => f.feature.name).join(' '),
    FORCE_DRIVERS: input.forceDrivers.join(' '),
    ROOT_TIMEOUT: input.rootTimeout === undefined ? undefined : String(input.rootTimeout),
  });
}

/**
 * A file a manifest names in its own folder; missing is the manifest's error, not an internal one. A
 * sysroot feature's file is read through the Host: its symlinks resolve inside the sysroot, so a link
 * to /etc/shadow reads the sysroot's, never this machine's.
 */
function _featureFile(host: Host, feature: FeatureManifest, name: string): Buffer {
  try {
    if (feature.sysrootDir === undefined) return readFileSync(join(feature.dir, name));
    const inRoot = `${feature.sysrootDir}/${name}`;
    if (!host.stat(inRoot)?.isFile()) throw new Error('not a regular file'); // a link to the sysroot's /dev/zero
    return host.readFile(inRoot);
  } catch {
    throw new ConfigError(`${feature.file}: names ${name}, which is not in ${feature.dir}`, feature.file);
  }
}
