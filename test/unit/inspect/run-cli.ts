// Runs the inspect commands as the CLI entry does (same error-to-exit-code mapping), capturing output.
import { Command } from '@commander-js/extra-typings';
import { vi } from 'vitest';
import { registerCat } from '../../../src/cli/commands/cat.js';
import { registerDiff } from '../../../src/cli/commands/diff.js';
import { registerExtract } from '../../../src/cli/commands/extract.js';
import { registerLs } from '../../../src/cli/commands/ls.js';
import { registerVerify } from '../../../src/cli/commands/verify.js';
import { reportError } from '../../../src/cli/main.js';

export interface CliResult {
  code: number;
  /** stdout as bytes (cat writes binary data). */
  stdout: Buffer;
  out: string;
  err: string;
}

export async function runCli(...args: string[]): Promise<CliResult> {
  const chunks: Buffer[] = [];
  let err = '';
  const toBuffer = (c: unknown): Buffer => (Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  vi.spyOn(process.stdout, 'write').mockImplementation((c) => (chunks.push(toBuffer(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
  const program = new Command('mkinitramfs-ts').exitOverride().configureOutput({ outputError: (s, write) => write(s) });
  for (const register of [registerLs, registerCat, registerExtract, registerDiff, registerVerify]) register(program);
  let code = 0;
  try {
    await program.parseAsync(['node', 'mkinitramfs-ts', ...args]);
  } catch (e) {
    code = reportError(e);
  } finally {
    vi.restoreAllMocks();
  }
  const stdout = Buffer.concat(chunks);
  return { code, stdout, out: stdout.toString('utf8'), err };
}
