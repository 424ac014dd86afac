import type { Command } from '@commander-js/extra-typings';
import { registerBuild } from './build.js';
import { registerCaptureHost } from './capture-host.js';
import { registerCat } from './cat.js';
import { registerCheckHost } from './check-host.js';
import { registerDeps } from './deps.js';
import { registerDiff } from './diff.js';
import { registerExplain } from './explain.js';
import { registerExtract } from './extract.js';
import { registerInstallHooks } from './install-hooks.js';
import { registerLdd } from './ldd.js';
import { registerLs } from './ls.js';
import { registerModules } from './modules.js';
import { registerUpdate } from './update.js';
import { registerVerify } from './verify.js';

export function registerCommands(program: Command): void {
  registerBuild(program);
  registerExplain(program);
  registerCaptureHost(program);
  registerCheckHost(program);
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
