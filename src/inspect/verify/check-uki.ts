// `verify` on a Unified Kernel Image: its PE section table must be well-formed (see uki-sections.ts);
// the kernel version for the module checks comes from its .uname unless --kver is given.
import { readFileSync } from 'node:fs';
import { looksLikePe, ukiLayoutProblems, ukiUname } from '../../uki/uki-sections.js';
import { checkSignature } from '../../uki/sign-uki.js';
import { type Problem, problem } from './problem.js';

export interface UkiCheck {
  problems: Problem[];
  kver?: string;
}

/** Nothing for a bare initramfs; call only on a path loadImage has already read as a regular file. */
export function ukiChecks(path: string, secureBootCert?: string): UkiCheck {
  const buf = readFileSync(path);
  if (!looksLikePe(buf)) {
    if (secureBootCert === undefined) return { problems: [] };
    return { problems: [problem(`${path}: --secureboot-cert given, but this is a bare initramfs, not a signed UKI`)] };
  }
  const problems = ukiLayoutProblems(buf, path).map((m) => problem(m));
  const unsigned = secureBootCert === undefined ? undefined : checkSignature(path, secureBootCert);
  if (unsigned) problems.push(problem(`${path}: ${unsigned}`));
  const kver = problems.length === 0 ? ukiUname(buf, path) : undefined;
  return kver === undefined ? { problems } : { problems, kver };
}
