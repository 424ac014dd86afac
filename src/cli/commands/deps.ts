import { release } from 'node:os';
import type { Command } from '@commander-js/extra-typings';
import { FsHost } from '../../host/fs-host.js';
import { NotFoundError } from '../../errors.js';
import { openKmodDb } from '../../kmod/kmod-db.js';

export function registerDeps(program: Command): void {
  program
    .command('deps')
    .description('resolve kernel modules (names or aliases) to the module files to load, in load order, as modprobe would')
    .argument('<module...>', 'module names or aliases (e.g. ext4, fs-btrfs, pci:v00001AF4d00001001sv*...)')
    .option('--sysroot <dir>', 'the root holding /lib/modules', '/')
    .option('--kver <version>', 'kernel version (default: the running kernel)')
    .option('--kmoddir <dir>', 'module directory inside the sysroot (default: /lib/modules/KVER)')
    .option('--json', 'print JSON with the reason each module is needed')
    .action(async (requests, flags) => {
      const host = new FsHost({ root: flags.sysroot });
      if (!host.stat('/')?.isDirectory()) throw new NotFoundError(`${flags.sysroot}: no such directory (--sysroot)`, flags.sysroot);
      const kver = flags.kver ?? release();
      const db = openKmodDb(host, kver, flags.kmoddir === undefined ? {} : { kmoddir: flags.kmoddir });
      const res = db.resolve(requests);
      const warnings = [...db.data.config.warnings, ...res.warnings];
      if (flags.json) {
        const out = { kver, kmoddir: db.kmoddir, modules: res.modules, builtin: res.builtin, unresolved: res.unresolved, warnings };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      for (const w of warnings) process.stderr.write(`mkinitramfs-ts: warning: ${w}\n`);
      if (res.builtin.length > 0) process.stderr.write(`mkinitramfs-ts: built into the kernel: ${res.builtin.join(' ')}\n`);
      process.stdout.write(res.modules.map((m) => `${m.path}\n`).join(''));
    });
}
