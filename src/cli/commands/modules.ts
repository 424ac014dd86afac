import type { Command } from '@commander-js/extra-typings';
import { FsHost } from '../../host/fs-host.js';
import { loadFeatures } from '../../features/load-features.js';

export function registerModules(program: Command): void {
  program
    .command('modules')
    .description('list the feature modules (modules.d) with their descriptions')
    .option('--sysroot <dir>', 'read extra feature folders from this root', '/')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      const features = [...loadFeatures(new FsHost({ root: opts.sysroot })).values()];
      if (opts.json) {
        const out = features.map((f) => ({ name: f.name, include: f.include, description: f.description, depends: f.depends, dir: f.dir }));
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const width = Math.max(...features.map((f) => f.name.length));
      for (const f of features) process.stdout.write(`${f.name.padEnd(width)}  ${f.include.padEnd(8)}  ${f.description}\n`);
    });
}
