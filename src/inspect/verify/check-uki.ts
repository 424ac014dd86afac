// `verify` on a Unified Kernel Image: its PE section table must be well-formed (see uki-sections.ts);
// the kernel version for the module checks comes from its .uname unless --kver is given. Every check
// reads the same bytes, read once by the caller: a file replaced meanwhile cannot pass one check with
// its old bytes and another with its new ones.
import { looksLikePe, ukiLayoutProblems, ukiUname } from '../../uki/uki-sections.js';
import { checkSignature } from '../../uki/sign-uki.js';
import { type Problem, problem } from './problem.js';

export interface UkiCheck {
  problems: Problem[];
  kver?: string;
}

/** Nothing for a bare initramfs; `buf` is the file's bytes, `path` only names it in messages. */
export function ukiChecks(buf: Buffer, path: string, secureBootCert?: string): UkiCheck {
  if (!looksLikePe(buf)) {
    if (secureBootCert === undefined) return { problems: [] };
    return { problems: [problem(`${path}: --secureboot-cert given, but this is a bare initramfs, not a signed UKI`)] };
  }
  const problems = ukiLayoutProblems(buf, path).map((m) => problem(m));
  const unsigned = secureBootCert === undefined ? undefined : checkSignature(buf, secureBootCert);
  if (unsigned) problems.push(problem(`${path}: ${unsigned}`));
  const kver = problems.length === 0 ? ukiUname(buf, path) : undefined;
  return kver === undefined ? { problems } : { problems, kver };
}
