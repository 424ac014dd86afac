import type { Command } from '@commander-js/extra-typings';
import type { BuildOptions } from '../../build-options.js';
import { ExitCode, MkError } from '../../errors.js';
import { toBuildOptions, withBuildFlags } from '../build-flags.js';
import { planImage, writeImage } from '../../pipeline.js';
import { formatNote, formatPlan, planToJson } from '../../assemble/format-plan.js';
import { createOutput } from '../output.js';

export function registerBuild(program: Command): void {
  withBuildFlags(program.command('build', { isDefault: true }).description('build an initramfs image (also: mkinitramfs-ts [options] [IMAGE [KVER]])'))
    .argument('[image]', 'output image (dracut form)')
    .argument('[kver]', 'kernel version (dracut form)')
    .option('-f, --force', 'overwrite an existing image')
    .option('--dry-run', 'plan only: print what the image would hold, write nothing')
    .option('--json', 'with --dry-run: print the plan as JSON')
    .option('--no-verify', 'skip the static bootability check of the new image before it replaces the old one')
    .option('--fallback-generic', 'if a host-only build fails, warn and build a generic image instead (the kernel hooks use this)')
    .action(async (image, kver, flags) => {
      const out = createOutput(flags);
      const build = async (opts: BuildOptions): Promise<void> => {
        const planning = out.phase('plan');
        const planned = await planImage(opts);
        planning.done(`${planned.plan.entries.length} entries, ${planned.moduleCount} modules, features ${planned.features.map((f) => f.feature.name).join(' ')}`);
        if (flags.dryRun) {
          for (const w of planned.plan.warnings) out.warn(w);
          process.stdout.write(flags.json ? `${JSON.stringify(planToJson(planned.plan), null, 2)}\n` : formatPlan(planned.plan));
          return;
        }
        const result = await writeImage(planned, opts, {
          verify: flags.verify,
          waiting: (m) => out.info(m),
          phase: (name) => {
            const p = out.phase(name);
            return (detail) => p.done(detail);
          },
        });
        for (const w of [...planned.plan.warnings, ...result.warnings]) out.warn(w);
        for (const n of planned.plan.notes) out.detail(`note: ${formatNote(n)}`);
        out.info(
          `wrote ${result.output} (${(result.size / 1048576).toFixed(1)} MiB, ${opts.uki ? 'UKI, ' : ''}${result.format}, ${opts.hostonly ? 'host-only' : 'generic'}, ` +
            `${planned.plan.entries.length} entries, ${planned.moduleCount} modules) in ${result.ms} ms`,
        );
      };
      try {
        const opts = toBuildOptions(flags, image, kver, { warn: (m) => out.warn(m), note: (m) => out.info(m) });
        try {
          await build(opts);
        } catch (err) {
          if (!flags.fallbackGeneric || !opts.hostonly || !genericMayDo(err)) throw err;
          out.warn(`the host-only build for ${opts.kver} failed (${_oneLine(err)}); building a generic image instead`);
          await build({ ...opts, hostonly: false });
        }
      } finally {
        out.close();
      }
    });
}

/** Failures a generic build would meet as well: bad flags or configuration, a broken kernel tree, no compressor, an unwritable output. */
const SAME_FOR_GENERIC: ReadonlySet<number> = new Set([
  ExitCode.usage,
  ExitCode.badKernelDir,
  ExitCode.badModulesDb,
  ExitCode.badConfig,
  ExitCode.unknownFeature,
  ExitCode.compressor,
  ExitCode.output,
]);

/** Whether a generic build may succeed where the host-only one failed with `err`. */
export function genericMayDo(err: unknown): boolean {
  return !(err instanceof MkError && SAME_FOR_GENERIC.has(err.exitCode));
}

function _oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}
