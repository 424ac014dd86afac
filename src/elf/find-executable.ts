// Look a command name up in the sysroot as a root shell's PATH would (execvp order).
import type { Host } from '../host/host.js';

const ROOT_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/**
 * The in-root path of the executable `name` (symlinks kept, so callers can record the chain), or
 * undefined. A name containing a slash is taken as a path and only checked, as execvp does.
 */
export function findExecutable(host: Host, name: string): string | undefined {
  if (name === '') return undefined;
  if (name.includes('/')) return _isExecutable(host, name) ? name : undefined;
  for (const dir of ROOT_PATH) {
    const path = `${dir}/${name}`;
    if (_isExecutable(host, path)) return path;
  }
  return undefined;
}

function _isExecutable(host: Host, path: string): boolean {
  const st = host.stat(path);
  return st !== undefined && st.isFile() && (st.mode & 0o111) !== 0;
}
