// The build pipeline: read the sysroot (and host), plan the image, then pack, compress and write it
// atomically. planImage() writes nothing, so --dry-run and explain share it.
import { defaultCompression } from '../compress/compress.js';
import { formatCompressSpec, parseCompressSpec } from '../compress/compress-spec.js';
import { requireKernelSupport } from '../compress/kernel-support.js';
import { NotBootableError } from '../errors.js';
import { findExecutable } from '../elf/library-resolver.js';
import { loadFeatures } from '../features/load-features.js';
import { selectFeatures, type SelectedFeature } from '../features/select-features.js';
import { FsHost } from '../host/fs-host.js';
import type { Host } from '../host/host.js';
import { writeImageAtomically } from '../output/atomic-write.js';
import { microcodeEntries } from '../pack/microcode.js';
import { packImage } from '../pack/pack-image.js';
import type { Plan } from '../plan/plan.js';
import { assemblePlan } from './assemble-plan.js';
import type { BuildOptions } from './build-options.js';
import { openModuleSource } from './kmod-module-source.js';
import { hostOnlyInputs } from './host-only-inputs.js';

export interface PlannedImage {
  plan: Plan;
  host: Host;
  features: SelectedFeature[];
  moduleCount: number;
}

export function planImage(opts: BuildOptions): PlannedImage {
  const host = new FsHost({ root: opts.sysroot, sysfs: opts.sysfs, procfs: opts.procfs });
  const modules = openModuleSource(host, opts.kver, opts.kmoddir);
  const hostOnly = opts.hostonly ? hostOnlyInputs(host, modules) : undefined;
  const available = loadFeatures(host);
  for (const f of hostOnly?.features ?? [])
    if (!available.has(f))
      throw new NotBootableError(`the root file system needs the '${f}' feature (detected on this host), which is not installed: add its modules.d folder or build with --no-hostonly`);
  const features = selectFeatures(available, {
    add: opts.add,
    omit: opts.omit,
    hostonly: opts.hostonly,
    detected: hostOnly?.features,
    hasBinary: (name) => findExecutable(host, name) !== undefined,
  });
  const plan = assemblePlan({
    host,
    kver: opts.kver,
    features,
    modules,
    hostonly: opts.hostonly,
    addDrivers: opts.addDrivers,
    omitDrivers: opts.omitDrivers,
    forceDrivers: opts.forceDrivers,
    detectedModules: hostOnly?.modules,
    install: opts.install,
    kernelCmdline: [hostOnly?.cmdline ?? '', opts.kernelCmdline].filter((s) => s).join(' '),
    rootTimeout: opts.rootTimeout,
    extraFiles: hostOnly?.files,
  });
  if (opts.earlyMicrocode) {
    plan.early = microcodeEntries(host);
    if (plan.early.length === 0) plan.warnings.push(`--early-microcode: no intel-ucode or amd-ucode firmware in ${host.root}`);
  }
  const moduleCount = plan.entries.filter((e) => e.type === 'file' && /\.ko(\.[a-z]+)?$/.test(e.path)).length;
  return { plan, host, features, moduleCount };
}

export interface WriteResult {
  output: string;
  size: number;
  format: string;
  ms: number;
}

export async function writeImage(planned: PlannedImage, opts: BuildOptions): Promise<WriteResult> {
  const t0 = Date.now();
  const spec = opts.compress ? parseCompressSpec(opts.compress) : defaultCompression();
  const support = requireKernelSupport(planned.host, opts.kver, spec.format);
  if (support.warning) process.stderr.write(`mkinitramfs-ts: warning: ${support.warning}\n`);
  const packed = await packImage(planned.plan, { mtime: opts.mtime, compression: spec });
  await writeImageAtomically(opts.output, packed.parts, { force: opts.force });
  return {
    output: opts.output,
    size: packed.parts.reduce((n, p) => n + p.length, 0),
    format: formatCompressSpec(spec),
    ms: Date.now() - t0,
  };
}
