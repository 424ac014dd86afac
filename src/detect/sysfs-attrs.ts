// Small sysfs reading primitives shared by the detectors. Detection asks lstat only one question,
// "is this a real directory?" (isRealDirectory), and learns about links only through realpath: the
// capture replays exactly those two kinds of observation (see recording-host.ts).
import type { Host } from '../host/host.js';

/** A sysfs attribute, trimmed; undefined when absent or empty. */
export function readAttr(host: Host, path: string): string | undefined {
  const text = host.tryReadText(path)?.trim();
  return text === undefined || text === '' ? undefined : text;
}

/** True for a directory that is not reached through a symlink at its last component. */
export function isRealDirectory(host: Host, path: string): boolean {
  return host.lstat(path)?.isDirectory() === true;
}

/**
 * Where the link `dir/name` leads (dir must already be a real path), or undefined when there is no
 * such link. realpath leaves a missing last component unchanged, so "changed" means "was a link".
 */
export function followLink(host: Host, dir: string, name: string): string | undefined {
  const at = `${dir}/${name}`;
  const real = host.realpath(at);
  return real === at ? undefined : real;
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function parentDir(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/'))) || '/';
}
