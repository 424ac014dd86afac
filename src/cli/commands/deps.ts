import type { Command } from '@commander-js/extra-typings';

export function registerDeps(program: Command): void {
  program.command('deps').description('resolve kernel modules (not yet)');
}
