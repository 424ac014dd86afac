// The CLI entry: the only place that maps errors to exit codes. Commands live one per file in
// ./commands.
import { Command, CommanderError } from '@commander-js/extra-typings';
import { escapeControl } from '../escape-control.js';
import { ExitCode, MkError } from '../errors.js';
import { registerCommands } from './commands/index.js';
import { VERSION } from './version.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('mkinitramfs-ts')
    .description('Build, explain and inspect initramfs images for Linux (dracut-style, host-only by default)')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
      return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof MkError) {
    process.stderr.write(`mkinitramfs-ts: ${escapeControl(err.message)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  process.stderr.write(`mkinitramfs-ts: internal error: ${e?.stack ?? String(err)}\n`);
  return ExitCode.internal;
}
