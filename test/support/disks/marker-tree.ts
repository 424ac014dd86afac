// The directory a marker root disk is made from: static busybox with a link per applet, the
// /sbin/init of test/support/roots/marker, and /etc/marker naming the disk.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { busyboxRoot } from '../fixtures.js';
import { copyTree, ROOTS_DIR } from './copy-tree.js';

export const MARKER_OVERLAY = join(ROOTS_DIR, 'marker');

export function busyboxBinary(): string {
  return join(busyboxRoot(), 'bin', 'busybox');
}

/** Which busybox: part of every cache key of a disk holding it. */
export function busyboxIdentity(): string {
  return readFileSync(join(busyboxRoot(), '.deb'), 'utf8').trim();
}

export function makeMarkerTree(dir: string, marker: string): void {
  for (const sub of ['proc', 'sys', 'dev', 'run', 'tmp', 'etc', 'mnt']) mkdirSync(join(dir, sub), { recursive: true });
  installBusybox(dir);
  copyTree(MARKER_OVERLAY, dir);
  chmodSync(join(dir, 'sbin', 'init'), 0o755); // whatever mode the checkout gave it
  writeFileSync(join(dir, 'etc', 'marker'), `${marker}\n`);
}

/** /bin/busybox plus a symlink to it for every applet at the path busybox itself names. */
export function installBusybox(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(busyboxBinary(), join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  const applets = execFileSync(busyboxBinary(), ['--list-full'], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');
  for (const applet of applets) {
    const link = join(dir, applet);
    if (applet === 'bin/busybox') continue;
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { force: true });
    symlinkSync('/bin/busybox', link);
  }
}
