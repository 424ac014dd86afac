import type { Command } from '@commander-js/extra-typings';
import { withBuildFlags } from '../build-flags.js';

export function registerBuild(program: Command): void {
  withBuildFlags(program.command('build', { isDefault: true }).description('build an initramfs image (also: mkinitramfs-ts [options] [IMAGE [KVER]])'))
    .argument('[image]', 'output image (dracut form)')
    .argument('[kver]', 'kernel version (dracut form)')
    .option('-f, --force', 'overwrite an existing image')
    .option('--dry-run', 'plan only: print what the image would hold, write nothing')
    .option('--json', 'with --dry-run: print the plan as JSON')
    .option('--no-verify', 'skip the static bootability check of the new image before it replaces the old one')
    .action(async (image, kver, flags) => {
      const { toBuildOptions } = await import('../build-flags.js');
      const { planImage, writeImage } = await import('../../build/build-image.js');
      const { formatNote, formatPlan, planToJson } = await import('../../plan/format-plan.js');
      const { createOutput } = await import('../output.js');
      const out = createOutput(flags);
      try {
        const opts = toBuildOptions(flags, image, kver, { warn: (m) => out.warn(m) });
        const planning = out.phase('plan');
        const planned = planImage(opts);
        planning.done(`${planned.plan.entries.length} entries, ${planned.moduleCount} modules, features ${planned.features.map((f) => f.feature.name).join(' ')}`);
        if (flags.dryRun) {
          for (const w of planned.plan.warnings) out.warn(w);
          process.stdout.write(flags.json ? `${JSON.stringify(planToJson(planned.plan), null, 2)}\n` : formatPlan(planned.plan));
          return;
        }
        const result = await writeImage(planned, opts, {
          verify: flags.verify,
          phase: (name) => {
            const p = out.phase(name);
            return (detail) => p.done(detail);
          },
        });
        for (const w of planned.plan.warnings) out.warn(w);
        for (const n of planned.plan.notes) out.detail(`note: ${formatNote(n)}`);
        out.info(
          `wrote ${result.output} (${(result.size / 1048576).toFixed(1)} MiB, ${result.format}, ` +
            `${planned.plan.entries.length} entries, ${planned.moduleCount} modules) in ${result.ms} ms`,
        );
      } finally {
        out.close();
      }
    });
}
