// A text keymap compiled at build time into the binary form busybox's loadkmap reads ("bkeymap", the
// kernel's key tables), with the build machine's loadkeys (package kbd): the image then needs neither
// loadkeys nor the keymap sources and their includes. -u: Unicode keysyms, as the kernel's UTF-8 console.
import { spawnSync } from 'node:child_process';

export type CompiledKeymap = { ok: true; bytes: Buffer } | { ok: false; problem: string };

const BKEYMAP_MAGIC = Buffer.from('bkeymap');

export function compileKeymap(diskPath: string, loadkeys = 'loadkeys'): CompiledKeymap {
  // setsid-free: -b only prints, it never touches a console
  const r = spawnSync(loadkeys, ['-q', '-b', '-u', diskPath], { maxBuffer: 1 << 20, timeout: 30_000 });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, problem: missing ? 'loadkeys is not installed on this machine (package kbd)' : `loadkeys: ${r.error.message}` };
  }
  const err = r.stderr.toString().trim().split('\n')[0] ?? '';
  if (r.status !== 0) return { ok: false, problem: `loadkeys -b failed (exit ${r.status})${err ? `: ${err}` : ''}` };
  if (!r.stdout.subarray(0, BKEYMAP_MAGIC.length).equals(BKEYMAP_MAGIC)) return { ok: false, problem: 'loadkeys -b wrote no binary keymap' };
  return { ok: true, bytes: r.stdout };
}
