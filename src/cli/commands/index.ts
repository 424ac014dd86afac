import type { Command } from '@commander-js/extra-typings';
import { registerBuild } from './build.js';
import { registerCat } from './cat.js';
import { registerDeps } from './deps.js';
import { registerDiff } from './diff.js';
import { registerExtract } from './extract.js';
import { registerInstallHooks } from './install-hooks.js';
import { registerLdd } from './ldd.js';
import { registerLs } from './ls.js';
import { registerModules } from './modules.js';
import { registerUpdate } from './update.js';
import { registerVerify } from './verify.js';

export function registerCommands(program: Command): void {
  registerBuild(program);
  registerDeps(program);
  registerLdd(program);
  registerModules(program);
  registerLs(program);
  registerCat(program);
  registerExtract(program);
  registerDiff(program);
  registerVerify(program);
  registerUpdate(program);
  registerInstallHooks(program);
}
