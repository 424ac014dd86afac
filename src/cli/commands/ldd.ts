import type { Command } from '@commander-js/extra-typings';

export function registerLdd(program: Command): void {
  program.command('ldd').description('list the files binaries need (not yet)');
}
