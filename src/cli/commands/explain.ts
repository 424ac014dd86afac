import type { Command } from '@commander-js/extra-typings';
import { toBuildOptions, withBuildFlags } from '../build-flags.js';
import { planImage } from '../../pipeline.js';
import { explainLines, explainPlan, findEntries, findNotes } from '../../assemble/explain-plan.js';
import { entryToJson, formatNote } from '../../assemble/format-plan.js';
import { NotFoundError } from '../../errors.js';

export function registerExplain(program: Command): void {
  withBuildFlags(program.command('explain').description('say why each file or module is in the image (the chain that put it there)'))
    .argument('[what...]', 'image paths or module names; none: the whole plan grouped by reason')
    .option('--json', 'print JSON')
    .action(async (what, flags) => {
      const { plan } = await planImage(toBuildOptions(flags));
      if (what.length === 0) {
        process.stdout.write(flags.json ? `${JSON.stringify(plan.entries.map(entryToJson), null, 2)}\n` : explainPlan(plan));
        return;
      }
      // a module the kernel has built in (or an optional one it lacks) is answered by its note
      const found = what.map((q) => ({ q, entries: findEntries(plan, q), notes: findNotes(plan, q) }));
      const missing = found.filter((f) => f.entries.length === 0 && f.notes.length === 0).map((f) => f.q);
      if (flags.json) process.stdout.write(`${JSON.stringify(found.map((f) => ({ query: f.q, entries: f.entries.map(entryToJson), notes: f.notes })), null, 2)}\n`);
      else
        for (const f of found) {
          for (const e of f.entries) process.stdout.write(`${explainLines(e).join('\n')}\n`);
          for (const n of f.notes) process.stdout.write(`${formatNote(n)}\n`);
        }
      if (missing.length) throw new NotFoundError(`not in the image: ${missing.join(', ')}`);
    });
}
