import type { Command } from '@commander-js/extra-typings';
import type { Problem } from '../../inspect/verify/problem.js';

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check statically that an initramfs image can boot: segments, /init, libraries, modules, root fs driver')
    .argument('<image>', 'the image file')
    .option('--kver <kver>', 'the kernel version the image is for')
    .option('--secureboot-cert <cert>', "a UKI: check its Secure Boot signature against this certificate (PEM) with sbverify")
    .option('--json', 'print JSON')
    .action(async (image, flags) => {
      const { BadImageError, NotBootableError } = await import('../../errors.js');
      const { loadImage } = await import('../../inspect/load-image.js');
      const { verifyLoadedImage } = await import('../../inspect/verify/verify-image.js');
      const { formatProblem, problem } = await import('../../inspect/verify/problem.js');
      const { ukiChecks } = await import('../../inspect/verify/check-uki.js');
      let problems: Problem[];
      let decodes = true;
      let uki: Awaited<ReturnType<typeof ukiChecks>> = { problems: [] };
      try {
        const loaded = await loadImage(image); // a regular file that holds an image (a UKI's .initrd)
        uki = ukiChecks(image, flags.securebootCert);
        const kver = flags.kver ?? uki.kver;
        problems = [...uki.problems, ...(await verifyLoadedImage(loaded, kver === undefined ? {} : { kver }))];
      } catch (err) {
        if (!(err instanceof BadImageError)) throw err;
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
