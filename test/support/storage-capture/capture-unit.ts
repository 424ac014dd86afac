// The only test addition to the storage root tree: capture-host.service and its script (./root),
// which run only with `mkinitramfs_ts.capture=1` on the kernel command line. They carry nothing of
// the product, so the storage disks' cache key sees just this small, stable overlay; node and the
// runtime arrive on the tools disk (tools-disk.ts), rebuilt whenever dist/ or modules.d/ change.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyTree } from '../disks/copy-tree.js';

export const STORAGE_CAPTURE_OVERLAY = fileURLToPath(new URL('./root', import.meta.url));

/** Copy the overlay over a systemd root tree and enable the unit. */
export function addCaptureUnit(dir: string): void {
  copyTree(STORAGE_CAPTURE_OVERLAY, dir);
  chmodSync(join(dir, 'usr/local/sbin/capture-host'), 0o755); // whatever mode the checkout gave it
  const wants = join(dir, 'etc/systemd/system/multi-user.target.wants');
  mkdirSync(wants, { recursive: true });
  rmSync(join(wants, 'capture-host.service'), { force: true });
  symlinkSync('/etc/systemd/system/capture-host.service', join(wants, 'capture-host.service'));
}
