import type { Command } from '@commander-js/extra-typings';
import { MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP, parseMaxDecompressed } from '../max-decompressed-flag.js';
import type { Problem } from '../../inspect/verify/problem.js';
import { BadImageError, DecompressLimitError, NotBootableError } from '../../errors.js';
import { loadImageBytes } from '../../inspect/load-image.js';
import { readRegularFile } from '../../cpio/newc-reader.js';
import { ukiChecks } from '../../inspect/verify/check-uki.js';
import { verifyLoadedImage } from '../../inspect/verify/verify-image.js';
import { formatProblem, problem } from '../../inspect/verify/problem.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check statically that an initramfs image can boot: segments, /init, libraries, modules, root fs driver')
    .argument('<image>', 'the image file')
    .option('--kver <kver>', 'the kernel version the image is for')
    .option('--secureboot-cert <cert>', "a UKI: check its Secure Boot signature against this certificate (PEM) with sbverify")
    .option('--json', 'print JSON')
    .option(MAX_DECOMPRESSED_FLAG, MAX_DECOMPRESSED_HELP)
    .action(async (image, flags) => {
      const maxDecompressed = parseMaxDecompressed(flags.maxDecompressed);
      const opts = { maxDecompressed, ...(flags.kver === undefined ? {} : { kver: flags.kver }) };
      let problems: Problem[];
      let decodes = true;
      try {
        // read once: every check below sees these bytes, whatever happens to the path meanwhile
        const bytes = readRegularFile(image);
        const loaded = await loadImageBytes(bytes, image, opts); // an image (a UKI's .initrd)
        const uki = ukiChecks(bytes, image, flags.securebootCert);
        const kver = flags.kver ?? uki.kver;
        problems = [...uki.problems, ...(await verifyLoadedImage(loaded, kver === undefined ? opts : { ...opts, kver }))];
      } catch (err) {
        // past the limit the image is not known to be broken: say so, not "does not decode"
        if (!(err instanceof BadImageError) || err instanceof DecompressLimitError) throw err;
        problems = [problem(`does not decode: ${err.message}`)];
        decodes = false;
      }
      if (flags.json) process.stdout.write(`${JSON.stringify({ image, ok: problems.length === 0, problems }, null, 2)}\n`);
      else process.stdout.write(problems.length === 0 ? `${image}: no problems found\n` : problems.map((p) => `${formatProblem(p)}\n`).join(''));
      if (!decodes) throw new BadImageError(`${image}: a segment does not decode; the kernel would stop unpacking there`, image);
      if (problems.length > 0)
        throw new NotBootableError(`${image}: ${problems.length} problem${problems.length === 1 ? '' : 's'} found; the image would not boot as it is`);
    });
}
