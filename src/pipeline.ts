// The build pipeline, in the order of src/'s rooms: detect (host-only) → kmod, elf → assemble a
// complete, frozen Plan → pack → compress → output. planImage() writes nothing, so --dry-run and
// explain share it; writeImage() only serialises the plan and reports its own warnings.
import { resolve } from 'node:path';
import { checkRoundTrip, compress, defaultCompression } from './compress/compress.js';
import { formatCompressSpec, parseCompressSpec } from './compress/compress-spec.js';
import { readImage } from './cpio/newc-reader.js';
import { requireKernelSupport } from './compress/kernel-support.js';
import { NotBootableError } from './errors.js';
import { findExecutable } from './elf/library-resolver.js';
import { runCheckScript } from './features/feature-scripts.js';
import { loadFeatures } from './features/load-features.js';
import { selectFeatures, type SelectedFeature } from './features/select-features.js';
import { FsHost } from './host/fs-host.js';
import type { Host } from './host/host.js';
import { verifyImage } from './inspect/verify/verify-image.js';
import { writeImageAtomically } from './output/atomic-write.js';
import { acquireBuildLock } from './output/build-lock.js';
import { imageOf, packArchives, type PackedArchives, uncompressedImage } from './pack/pack-image.js';
import type { Plan } from './assemble/plan.js';
import { assemblePlan } from './assemble/assemble-plan.js';
import { buildUki } from './uki/build-uki.js';
import { signUki } from './uki/sign-uki.js';
import { UKI_SECTIONS } from './uki/uki-sections.js';
import type { BuildOptions } from './build-options.js';
import { openModuleSource } from './kmod/open-module-source.js';
import { hostOnlyInputs } from './hostonly/host-only-inputs.js';
import { hostOnlyNetwork } from './hostonly/network-inputs.js';
import { networkPlanNote } from './assemble/network-plan.js';
import { imageKeymap } from './keymap/image-keymap.js';
import { initrdCrypttab } from './assemble/initrd-crypttab.js';

export interface PlannedImage {
  plan: Plan;
  host: Host;
  features: SelectedFeature[];
  moduleCount: number;
  /** The command line the image embeds (host-only's root= and --kernel-cmdline): a UKI's .cmdline. */
  kernelCmdline: string;
}

export async function planImage(opts: BuildOptions): Promise<PlannedImage> {
  const host = new FsHost({ root: opts.sysroot, sysfs: opts.sysfs, procfs: opts.procfs });
  const modules = openModuleSource(host, opts.kver, opts.kmoddir);
  const hostOnly = opts.hostonly ? hostOnlyInputs(host, modules) : undefined;
  const scriptEnv = { sysroot: opts.sysroot, kver: opts.kver, hostonly: opts.hostonly, trustSysroot: opts.trustSysrootScripts === true };
  const available = loadFeatures(host);
  for (const f of hostOnly?.features ?? [])
    if (!available.has(f))
      throw new NotBootableError(`the root file system needs the '${f}' feature (detected on this host), which is not installed: add its modules.d folder or build with --no-hostonly`);
  // the passphrase prompt's keymap: the sysroot's setting (or --keymap), compiled now
  const keymap = opts.omit.includes('keymap') ? undefined : imageKeymap(host, opts.keymap);
  const features = selectFeatures(available, {
    add: opts.add,
    wanted: keymap?.feature ? [keymap.feature] : [],
    omit: opts.omit,
    hostonly: opts.hostonly,
    detected: hostOnly?.features,
    hasBinary: (name) => findExecutable(host, name) !== undefined,
    applies: (f) => runCheckScript(f, scriptEnv),
  });
  const kernelCmdline = [hostOnly?.cmdline ?? '', opts.kernelCmdline].filter((s) => s).join(' ');
  // host-only network roots: the card on the route to the root server instead of the generic NIC list
  const hasNetwork = features.some((f) => f.feature.name === 'network');
  const network = opts.hostonly && hasNetwork
    ? hostOnlyNetwork(host, modules, [kernelCmdline, host.tryReadText('/proc/cmdline') ?? ''], hostOnly?.facts)
    : undefined;
  const crypttab = initrdCrypttab(host, features, opts.hostonly);
  const plan = await assemblePlan({
    host,
    kver: opts.kver,
    features,
    modules,
    hostonly: opts.hostonly,
    addDrivers: opts.addDrivers,
    omitDrivers: opts.omitDrivers,
    forceDrivers: opts.forceDrivers,
    detectedModules: [...(hostOnly?.modules ?? []), ...(network?.modules ?? [])],
    install: opts.install,
    kernelCmdline,
    rootTimeout: opts.rootTimeout,
    extraFiles: [...(hostOnly?.files ?? []), ...(keymap?.files ?? []), ...(crypttab ? [crypttab] : [])],
    warnings: [...(hostOnly?.warnings ?? []), ...(keymap?.warnings ?? [])],
    scriptEnv,
    dryRun: opts.dryRun === true,
    earlyMicrocode: opts.earlyMicrocode,
    notes: [networkPlanNote(hasNetwork, kernelCmdline, network)].filter((n) => n !== undefined),
  });
  const moduleCount = plan.entries.filter((e) => e.type === 'file' && /\.ko(\.[a-z]+)?$/.test(e.path)).length;
  return { plan, host, features, moduleCount, kernelCmdline };
}

export interface WriteResult {
  output: string;
  size: number;
  format: string;
  ms: number;
  /** What the write found (a kernel config it could not check against); the plan's own are in plan.warnings. */
  warnings: string[];
}

/** How the CLI follows and steers a write: progress phases, the lock wait message, the pre-write check. */
export interface WriteControls {
  /** Called as each phase starts; the returned function ends it with a detail line. */
  phase?: (name: 'pack' | 'compress' | 'write') => (detail?: string) => void;
  /**
   * Check before the new image replaces the target (default): the static bootability check on the
   * packed archives, and that the compressed data decompresses to exactly them.
   */
  verify?: boolean;
  /** Told when another build of the same image holds its lock and this one waits. */
  waiting?: (message: string) => void;
}

export async function writeImage(planned: PlannedImage, opts: BuildOptions, controls: WriteControls = {}): Promise<WriteResult> {
  // one build of an image at a time: a second one waits, then replaces the first one's result
  const release = await acquireBuildLock(resolve(opts.output), controls.waiting ? { onWait: controls.waiting } : {});
  try {
    return await _writeImage(planned, opts, controls);
  } finally {
    release();
  }
}

async function _writeImage(planned: PlannedImage, opts: BuildOptions, controls: WriteControls): Promise<WriteResult> {
  const t0 = Date.now();
  const phase = controls.phase ?? (() => () => undefined);
  const spec = opts.compress ? parseCompressSpec(opts.compress) : defaultCompression();
  const support = requireKernelSupport(planned.host, opts.kver, spec.format);
  const packing = phase('pack');
  const archives = packArchives(planned.plan, { mtime: opts.mtime });
  packing(`${planned.plan.entries.length} entries`);
  const done = phase('compress');
  // the checks (--no-verify skips them): a failed one leaves nothing behind, the old image stays;
  // the compressor is another process, so the packed archives are verified while it works
  const verify = controls.verify !== false;
  const [compressed] = await Promise.all([compress(archives.main, spec), verify ? _requireBootable(archives, opts.kver) : undefined]);
  if (verify) await checkRoundTrip(compressed, archives.main, spec);
  const image = imageOf(archives, compressed);
  done(`${(image.mainSize / 1048576).toFixed(1)} MiB → ${(image.compressedSize / 1048576).toFixed(1)} MiB ${formatCompressSpec(spec)}${verify ? ', verified' : ''}`);
  const written = phase('write');
  const uki = opts.uki ? _uki(planned, opts, image.parts) : undefined;
  const parts = uki?.parts ?? image.parts;
  await writeImageAtomically(opts.output, parts, { force: opts.force });
  written(uki ? `${opts.output} (UKI: ${uki.what})` : opts.output);
  return {
    output: opts.output,
    size: parts.reduce((n, p) => n + p.length, 0),
    format: formatCompressSpec(spec),
    ms: Date.now() - t0,
    warnings: support.warning ? [support.warning] : [],
  };
}

/** The initramfs wrapped into a Unified Kernel Image with the sysroot's stub and kernel. */
function _uki(planned: PlannedImage, opts: BuildOptions, initrd: Buffer[]): { parts: Buffer[]; what: string } {
  const uki = buildUki({ host: planned.host, kver: opts.kver, cmdline: planned.kernelCmdline, initrd, timestamp: opts.mtime, ...(opts.kernelImage === undefined ? {} : { kernelImage: opts.kernelImage }) });
  const sections = uki.sections.filter((s) => (UKI_SECTIONS as readonly string[]).includes(s.name)).map((s) => s.name).join(' ');
  if (!opts.secureBoot) return { parts: uki.parts, what: sections };
  return { parts: [signUki(uki.parts, opts.secureBoot)], what: `${sections}, signed with ${opts.secureBoot.cert}` };
}

/** The image must pass `verify` (of the uncompressed archives, what the kernel unpacks) before it may replace a working one. */
async function _requireBootable(archives: PackedArchives, kver: string): Promise<void> {
  const problems = await verifyImage(await readImage(uncompressedImage(archives), 'the new image'), { kver });
  if (problems.length === 0) return;
  const list = problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');
  throw new NotBootableError(`the new image failed verification, the old one is kept: ${list}`);
}
