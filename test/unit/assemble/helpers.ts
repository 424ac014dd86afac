// What the assemble tests share: temp folders removed after each test, and the plan inputs of a build
// that is about features only (no modules, no drivers, no extra files, no command line).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { AssembleInput } from '../../../src/assemble/assemble-plan.js';
import type { ModuleSource } from '../../../src/kmod/module-source.js';

/** A temp-folder maker for one test file; every folder it made is removed after each test. */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}

export const TEST_KVER = '6.1.0-test';

export const NO_MODULES: ModuleSource = {
  kver: TEST_KVER,
  resolve: async () => ({ modules: [], firmware: [], builtin: [], warnings: [], notes: [] }),
  resolveAlias: () => [],
  isBuiltin: () => false,
  subsetFiles: () => new Map(),
};

/** The AssembleInput fields a features-only plan leaves empty. */
export const FEATURES_ONLY: Omit<AssembleInput, 'host' | 'features'> = {
  kver: TEST_KVER,
  modules: NO_MODULES,
  hostonly: false,
  addDrivers: [],
  omitDrivers: [],
  forceDrivers: [],
  install: [],
  kernelCmdline: '',
};
