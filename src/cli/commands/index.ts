import type { Command } from '@commander-js/extra-typings';
import { registerDeps } from './deps.js';
import { registerLdd } from './ldd.js';

export function registerCommands(program: Command): void {
  registerDeps(program);
  registerLdd(program);
}
