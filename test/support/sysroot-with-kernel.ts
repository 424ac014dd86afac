// A sysroot with another kernel installed into it (hard links, cached beside the fixtures, rebuilt when
// either side changes): e.g. Debian 12's network sysroot (nbd-client) with Debian 13's 6.12 kernel.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES, type KernelFixture } from './fixtures.js';

export function sysrootWithKernel(sysroot: string, k: KernelFixture, name: string): string {
  const dir = join(FIXTURES, name);
  const script = `set -e
stamp="$(cat "$1/.complete") $(cat "$2/.deb")"
[ "$(cat "$3/.complete" 2>/dev/null)" = "$stamp" ] && exit 0
rm -rf "$3.new"; cp -al "$1" "$3.new"; rm -f "$3.new/.complete"
mkdir -p "$3.new/usr/lib/modules" "$3.new/boot"
cp -al "$2/usr/lib/modules/." "$3.new/usr/lib/modules/"; cp -al "$2/boot/." "$3.new/boot/"
echo "$stamp" >"$3.new/.complete"; rm -rf "$3"; mv "$3.new" "$3"`;
  execFileSync('bash', ['-c', script, 'sysroot', sysroot, k.root, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}
