// Where mkinitramfs-ts is installed: the folder with its package.json, modules.d/ and kernel-hooks/. Found by
// walking up from this file, so the answer is the same from the tsc output (dist/**), the bundle
// (dist/mkinitramfs-ts.cjs) and the TypeScript sources under test.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function _find(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'modules.d'))) return dir;
    if (dirname(dir) === dir) throw new Error(`mkinitramfs-ts: no package.json with modules.d/ above ${start}; the installation is incomplete`);
  }
}

export const PACKAGE_ROOT = _find(dirname(fileURLToPath(import.meta.url)));

/** The command's one entry (run with node by the kernel hooks and by `update`; hooks name this path, so it stays). */
export const CLI_ENTRY = join(PACKAGE_ROOT, 'bin/mkinitramfs-ts.cjs');
