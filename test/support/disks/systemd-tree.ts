// The directory a systemd root disk is made from: a copy of a Debian fixture root (never the
// fixture itself) with the boot-marker unit of test/support/roots/systemd enabled, an fstab naming
// the root by UUID, a hostname, an empty machine-id and a locked root password.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianRoot } from '../fixtures.js';
import { copyTree, ROOTS_DIR } from './copy-tree.js';

export const SYSTEMD_OVERLAY = join(ROOTS_DIR, 'systemd');

export interface SystemdTreeSpec {
  uuid: string;
  hostname: string;
  /** The root to copy (default: the Debian 12 fixture root). */
  base?: string;
  /** /etc/fstab (default: the root by UUID, ext4). */
  fstab?: string;
}

export function makeSystemdTree(dir: string, spec: SystemdTreeSpec): void {
  execFileSync('cp', ['-a', '--no-target-directory', spec.base ?? debianRoot(), dir]);
  rmSync(join(dir, '.complete'), { force: true });
  copyTree(SYSTEMD_OVERLAY, dir);
  chmodSync(join(dir, 'usr/local/sbin/boot-marker'), 0o755); // whatever mode the checkout gave it
  const wants = join(dir, 'etc/systemd/system/multi-user.target.wants');
  mkdirSync(wants, { recursive: true });
  rmSync(join(wants, 'boot-marker.service'), { force: true });
  symlinkSync('/etc/systemd/system/boot-marker.service', join(wants, 'boot-marker.service'));
  writeFileSync(join(dir, 'etc/fstab'), spec.fstab ?? `UUID=${spec.uuid} / ext4 defaults 0 1\n`);
  writeFileSync(join(dir, 'etc/hostname'), `${spec.hostname}\n`);
  writeFileSync(join(dir, 'etc/machine-id'), '');
  _lockRootPassword(join(dir, 'etc/shadow'));
}

function _lockRootPassword(shadow: string): void {
  const lines = readFileSync(shadow, 'utf8').split('\n');
  writeFileSync(shadow, lines.map((line) => line.replace(/^root:[^:]*:/, 'root:!*:')).join('\n'));
}
