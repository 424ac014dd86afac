// Runs the shell hooks of kernel-hooks/ with a stand-in for mkinitramfs-ts that records its arguments and
// writes a file where --output points, so the hooks' decisions can be checked without a real build.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOOKS = fileURLToPath(new URL('../../../kernel-hooks/', import.meta.url));

export interface HookRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The argument lists the stand-in was called with. */
  calls: string[][];
}

/** Writes the stand-in into `dir`; it fails with STUB_EXIT when that is set. */
export function writeStub(dir: string): string {
  const stub = join(dir, 'fake-mkinitramfs-ts');
  writeFileSync(
    stub,
    `#!/bin/sh
log="${join(dir, 'calls')}"
for a in "$@"; do printf '%s\\t' "$a" >>"$log"; done
printf '\\n' >>"$log"
[ -n "$STUB_EXIT" ] && exit "$STUB_EXIT"
while [ $# -gt 0 ]; do
  if [ "$1" = --output ]; then printf 'IMAGE' >"$2"; fi
  shift
done
exit 0
`,
  );
  chmodSync(stub, 0o755);
  return stub;
}

export function runHook(dir: string, hook: string, args: string[], env: Record<string, string> = {}, cwd?: string): HookRun {
  const stub = writeStub(dir);
  const r = spawnSync('/bin/sh', [join(HOOKS, hook), ...args], {
    encoding: 'utf8',
    cwd,
    // a clean environment: only what a hook runner would pass
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', MKINITRAMFS_TS: stub, ...env },
  });
  const log = join(dir, 'calls');
  const calls = existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l)
        .map((l) => l.split('\t').filter((a, i, all) => i < all.length - 1 || a !== ''))
    : [];
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls };
}
