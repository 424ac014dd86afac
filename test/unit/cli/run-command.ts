// Runs one command's register function in a fresh program, mapping errors to exit codes the way the
// CLI entry does (so these tests do not depend on the command list in commands/index.ts).
import { Command } from '@commander-js/extra-typings';
import { reportError } from '../../../src/cli/main.js';
import { ExitCode } from '../../../src/errors.js';

export async function runCommand(register: (program: Command) => void, args: string[]): Promise<number> {
  const program = new Command('mkinitramfs-ts').exitOverride().configureOutput({ writeErr: () => {}, outputError: () => {} });
  register(program);
  const saved = process.exitCode;
  try {
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    const write = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      return reportError(err);
    } finally {
      process.stderr.write = write;
    }
  } finally {
    process.exitCode = saved;
  }
}
