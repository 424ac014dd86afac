import type { Command } from '@commander-js/extra-typings';
import { FsHost } from '../../host/fs-host.js';
import { NotFoundError } from '../../errors.js';
import { findExecutable, resolveBinaries } from '../../elf/library-resolver.js';

export function registerLdd(program: Command): void {
  program
    .command('ldd')
    .description('list every file the binaries need (binary, interpreter, libraries, symlinks) by reading ELF, without running them')
    .argument('<binary...>', 'program paths inside the sysroot, or names looked up in its PATH')
    .option('--sysroot <dir>', 'the root the binaries live in', '/')
    .option('--json', 'print JSON with the reason for each file')
    .action(async (binaries, flags) => {
      const host = new FsHost({ root: flags.sysroot });
      if (!host.stat('/')?.isDirectory()) throw new NotFoundError(`${flags.sysroot}: no such directory (--sysroot)`, flags.sysroot);
      const paths = binaries.map((name) => {
        if (name.includes('/')) return name;
        const found = findExecutable(host, name);
        if (found === undefined) throw new NotFoundError(`${name}: not found on PATH in ${flags.sysroot}; give its path`, name);
        return found;
      });
      const files = resolveBinaries(host, paths);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(files, null, 2)}\n`);
        return;
      }
      const lines = files.map((f) => (f.kind === 'symlink' ? `${f.path} -> ${f.linkTarget ?? ''}` : f.path));
      process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
    });
}
