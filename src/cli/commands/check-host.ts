import { release } from 'node:os';
import type { Command } from '@commander-js/extra-typings';
import { MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP, parseMaxDecompressed } from '../max-decompressed-flag.js';
import { FsHost } from '../../host/fs-host.js';
import { detectHost } from '../../detect/detect-host.js';
import { loadImage } from '../../inspect/load-image.js';
import { fileBytes } from '../../inspect/cat-file.js';
import { imageModules } from '../../inspect/image-modules.js';
import { openModuleSource } from '../../kmod/open-module-source.js';
import { checkHost, parseHostRecord } from '../../hostonly/compare-host.js';
import { HOST_RECORD } from '../../hostonly/host-only-inputs.js';
import { ExitCode, NotFoundError } from '../../errors.js';

export function registerCheckHost(program: Command): void {
  program
    .command('check-host')
    .description('compare a host-only image with this host: new devices, and the drivers it would lack to boot')
    .argument('[image]', 'the image (default /boot/initrd.img-$(uname -r))')
    .option('--sysroot <dir>', 'the root whose kernel modules map devices to drivers', '/')
    .option('--sysfs <dir>', 'read a captured sysfs tree instead of this host\'s /sys', '/sys')
    .option('--procfs <dir>', 'read a captured procfs tree instead of this host\'s /proc', '/proc')
    .option('--json', 'print JSON')
    .option(MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP)
    .action(async (image, flags) => {
      const path = image ?? `/boot/initrd.img-${release()}`;
      const img = await loadImage(path, { maxDecompressed: parseMaxDecompressed(flags.maxDecompressed) });
      let text: string;
      try {
        text = fileBytes(img, HOST_RECORD).toString('utf8');
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        process.stdout.write(`${path} is not a host-only image (no ${HOST_RECORD}); it carries generic drivers\n`);
        return;
      }
      const record = parseHostRecord(text, path);
      const host = new FsHost({ root: flags.sysroot, sysfs: flags.sysfs, procfs: flags.procfs });
      const result = await checkHost(record, detectHost(host), new Set(imageModules(img.tree).map((m) => m.name)), openModuleSource(host, record.kver));
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        const out: string[] = [`${path}: built for kernel ${record.kver}, ${record.cmdline}`];
        if (result.rootChanged) out.push(`root changed: ${result.rootChanged}`);
        out.push(result.newDevices.length ? `new devices since the build (${result.newDevices.length}):` : 'no new devices since the build');
        for (const d of result.newDevices) out.push(`  ${d}`);
        out.push(result.lacking.length ? `the image lacks drivers this host needs to boot:` : 'the image has every driver this host needs to boot');
        for (const l of result.lacking) out.push(`  ${l.module} ← ${l.why}`);
        process.stdout.write(`${out.join('\n')}\n`);
      }
      if (result.lacking.length || result.rootChanged) process.exitCode = ExitCode.notBootable;
    });
}
