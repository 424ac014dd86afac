// The man page and the bash completion against the real program: every command, every option,
// every configuration key and exit code must be documented, so adding one without its docs fails.
import { Command } from '@commander-js/extra-typings';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { registerCommands } from '../../../src/cli/commands/index.js';
import { registerInstallHooks } from '../../../src/cli/commands/install-hooks.js';
import { registerUpdate } from '../../../src/cli/commands/update.js';
import { CONFIG_KEYS } from '../../../src/config/config-schema.js';
import { ExitCode } from '../../../src/errors.js';
import { cleanup, testdir } from '../config/testdir.js';

afterEach(cleanup);

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAN = join(ROOT, 'man/mkinitramfs-ts.8');
const COMPLETION = join(ROOT, 'completion/mkinitramfs-ts.bash');
const man = readFileSync(MAN, 'utf8');
const manText = man.replace(/\\-/g, '-');

function program(): Command {
  const p = new Command('mkinitramfs-ts');
  registerCommands(p);
  const names = new Set(p.commands.map((c) => c.name()));
  if (!names.has('update')) registerUpdate(p);
  if (!names.has('install-hooks')) registerInstallHooks(p);
  return p;
}

function section(title: string): string {
  const start = manText.indexOf(`\n.SH ${title}\n`);
  expect(start, `man page section ${title}`).toBeGreaterThan(0);
  const end = manText.indexOf('\n.SH ', start + 1);
  return manText.slice(start, end < 0 ? undefined : end);
}

function complete(words: string[]): string[] {
  const script = `source ${JSON.stringify(COMPLETION)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_mkinitramfs_ts; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter((l) => l);
}

describe('man page', () => {
  it('names every command and every long option of each', () => {
    const commands = section('COMMANDS');
    const buildOptions = section('BUILD OPTIONS');
    for (const cmd of program().commands) {
      expect(commands, `command ${cmd.name()}`).toMatch(new RegExp(`^\\.B[IR]? ${cmd.name()}\\b`, 'm'));
      const where = cmd.name() === 'build' ? buildOptions + commands : commands + manText;
      for (const opt of cmd.options) if (opt.long) expect(where, `${cmd.name()} ${opt.long}`).toContain(opt.long);
    }
  });

  it('describes every configuration key and every exit code', () => {
    const config = section('CONFIGURATION');
    for (const { key } of CONFIG_KEYS) expect(config, key).toMatch(new RegExp(`^\\.BR? .*\\b${key}\\b`, 'm'));
    const exits = section('EXIT STATUS');
    for (const [name, code] of Object.entries(ExitCode)) expect(exits, `exit ${name}`).toContain(`\n.B ${code}\n`);
  });

  it('renders without groff warnings', () => {
    const r = spawnSync('man', ['--warnings', '-l', MAN], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', LC_ALL: 'C.UTF-8' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('KERNEL HOOKS');
  });
});

describe('bash completion', () => {
  it('is valid bash and clean under shellcheck', () => {
    expect(spawnSync('bash', ['-n', COMPLETION]).status).toBe(0);
    const r = spawnSync('shellcheck', ['-s', 'bash', COMPLETION], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('offers every command, and every long option of each command', () => {
    const p = program();
    expect(complete(['mkinitramfs-ts', ''])).toEqual(expect.arrayContaining(p.commands.map((c) => c.name())));
    for (const cmd of p.commands) {
      const offered = complete(['mkinitramfs-ts', cmd.name(), '--']);
      for (const opt of cmd.options) if (opt.long) expect(offered, `${cmd.name()} ${opt.long}`).toContain(opt.long);
    }
  });

  it('completes prefixes, kernel versions of the --sysroot, compressors and feature names', () => {
    expect(complete(['mkinitramfs-ts', 'inst'])).toEqual(['install-hooks']);
    expect(complete(['mkinitramfs-ts', '--no-h'])).toEqual(['--no-hostonly']);
    const root = testdir({ 'lib/modules/6.1.0-1-amd64/modules.dep': '', 'usr/lib/modules/6.5.0-2-amd64/modules.dep': '' });
    expect(complete(['mkinitramfs-ts', '--sysroot', root, '-k', ''])).toEqual(['6.1.0-1-amd64', '6.5.0-2-amd64']);
    expect(complete(['mkinitramfs-ts', 'update', '--sysroot', root, '6.5'])).toEqual(['6.5.0-2-amd64']);
    expect(complete(['mkinitramfs-ts', '--compress', 'z'])).toEqual(['zstd', 'zstd:19']);
    // feature names come from `mkinitramfs-ts modules` (first column), run as the word being completed
    const stub = join(testdir(), 'mkinitramfs-ts');
    writeFileSync(stub, `#!/bin/sh\n[ "$1" = modules ] || exit 1\nprintf 'base      always    The /init\\nlvm       optional  LVM\\nluks      optional  crypt\\n'\n`);
    chmodSync(stub, 0o755);
    expect(complete([stub, '--add', 'l'])).toEqual(['lvm', 'luks']);
  });
});
