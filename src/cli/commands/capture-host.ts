import type { Command } from '@commander-js/extra-typings';
import { FsHost } from '../../host/fs-host.js';
import { captureHost } from '../../detect/capture.js';

export function registerCaptureHost(program: Command): void {
  program
    .command('capture-host')
    .description('record the part of /sys and /proc that host-only detection reads (read it back with --sysfs/--procfs)')
    .argument('<out>', 'a new or empty directory')
    .option('--sysroot <dir>', 'root whose /dev identities are read', '/')
    .option('--sysfs <dir>', 'read this sysfs tree instead of /sys')
    .option('--procfs <dir>', 'read this procfs tree instead of /proc')
    .action(async (out, flags) => {
      const r = captureHost(new FsHost({ root: flags.sysroot, sysfs: flags.sysfs, procfs: flags.procfs }), out);
      process.stderr.write(
        `mkinitramfs-ts: captured ${r.files} files, ${r.links} links, ${r.dirs} directories into ${out}; ` +
          `build from it with --sysfs ${out}/sys --procfs ${out}/proc\n`,
      );
    });
}
