// Files placed into test roots live under test/support/roots/<name>; they are copied over a root
// directory keeping their modes, owned by the builder (root), replacing what is there.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOTS_DIR = fileURLToPath(new URL('../roots', import.meta.url));

export function copyTree(from: string, to: string): void {
  // --remove-destination: an overlay file replaces a busybox applet symlink instead of writing through it.
  execFileSync('cp', ['-R', '--preserve=mode', '--remove-destination', '--no-target-directory', from, to]);
}
