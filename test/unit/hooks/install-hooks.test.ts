import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOOK_TAG, hookFiles, registerInstallHooks, installHooks, thisCommand, uninstallHooks } from '../../../src/cli/commands/install-hooks.js';
import { runCommand } from './run-command.js';
import { ExitCode, OutputError } from '../../../src/errors.js';
import { cleanup, testdir } from '../config/testdir.js';
import { HOOKS } from './hook-runner.js';

afterEach(cleanup);

const ALL = ['/etc/kernel/install.d/50-mkinitramfs-ts.install', '/etc/kernel/postinst.d/mkinitramfs-ts', '/etc/kernel/postrm.d/mkinitramfs-ts'];

describe('install-hooks', () => {
  it('every packaged hook carries the ownership tag and passes sh -n', () => {
    for (const h of hookFiles('/etc/kernel/install.d', true)) {
      const file = join(HOOKS, h.source);
      expect(readFileSync(file, 'utf8')).toContain(HOOK_TAG);
      expect(statSync(file).mode & 0o111).toBe(0o111);
      expect(spawnSync('sh', ['-n', file]).status).toBe(0);
    }
  });

  it('installs executable copies with the command baked in, and is idempotent', () => {
    const root = testdir();
    const hooks = hookFiles('/etc/kernel/install.d', true);
    expect(installHooks(root, hooks, { command: '/usr/bin/node /opt/mk/bin/mkinitramfs-ts.js', force: false })).toEqual(ALL.map((f) => `installed: ${root}${f}`));
    for (const f of ALL.slice(0, 2)) {
      const text = readFileSync(join(root, f), 'utf8');
      expect(text).toContain("MKINITRAMFS_TS_DEFAULT='/usr/bin/node /opt/mk/bin/mkinitramfs-ts.js'");
      expect(text).not.toContain("MKINITRAMFS_TS_DEFAULT='mkinitramfs-ts'");
    }
    for (const f of ALL) expect(statSync(join(root, f)).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(root, ALL[2] as string), 'utf8')).toBe(readFileSync(join(HOOKS, 'postrm.d/mkinitramfs-ts'), 'utf8'));
    expect(installHooks(root, hooks, { command: '/usr/bin/node /opt/mk/bin/mkinitramfs-ts.js', force: false })).toEqual(ALL.map((f) => `up to date: ${root}${f}`));
    expect(installHooks(root, hooks, { command: 'mkinitramfs-ts', force: false })[0]).toBe(`updated: ${root}${ALL[0]}`);
  });

  it('refuses to replace a file that is not ours unless forced, and never removes one', () => {
    const root = testdir({ 'etc/kernel/postinst.d/mkinitramfs-ts': '#!/bin/sh\necho mine\n', 'etc/kernel/postrm.d/.keep': '' });
    const hooks = hookFiles('/etc/kernel/install.d', true);
    expect(() => installHooks(root, hooks, { command: 'mkinitramfs-ts', force: false })).toThrow(OutputError);
    expect(() => installHooks(root, hooks, { command: 'mkinitramfs-ts', force: false })).toThrow(/was not installed by mkinitramfs-ts: use --force/);
    expect(existsSync(join(root, ALL[0] as string))).toBe(false); // nothing written before the refusal
    writeFileSync(join(root, 'etc/kernel/postrm.d/mkinitramfs-ts'), 'foreign\n');
    installHooks(root, hookFiles('/etc/kernel/install.d', false), { command: 'mkinitramfs-ts', force: false });
    expect(uninstallHooks(root, hooks)).toEqual([
      `removed: ${root}${ALL[0]}`,
      `left alone (not installed by mkinitramfs-ts): ${root}${ALL[1]}`,
      `left alone (not installed by mkinitramfs-ts): ${root}${ALL[2]}`,
    ]);
    expect(existsSync(join(root, ALL[0] as string))).toBe(false);
    expect(readFileSync(join(root, ALL[1] as string), 'utf8')).toContain('echo mine');
  });

  it('the command: installs the Debian pair only on Debian-like roots, --plugin-dir, --uninstall', async () => {
    const plain = testdir();
    expect(await runCommand(registerInstallHooks, ['install-hooks', '--sysroot', plain])).toBe(ExitCode.ok);
    expect(existsSync(join(plain, ALL[0] as string))).toBe(true);
    expect(existsSync(join(plain, ALL[1] as string))).toBe(false);
    expect(readFileSync(join(plain, ALL[0] as string), 'utf8')).toContain("MKINITRAMFS_TS_DEFAULT='mkinitramfs-ts'");

    const debian = testdir({ 'etc/debian_version': '12.8\n' });
    expect(await runCommand(registerInstallHooks, ['install-hooks', '--sysroot', debian, '--plugin-dir', '/usr/lib/kernel/install.d'])).toBe(ExitCode.ok);
    expect(existsSync(join(debian, 'usr/lib/kernel/install.d/50-mkinitramfs-ts.install'))).toBe(true);
    expect(existsSync(join(debian, ALL[1] as string))).toBe(true);
    expect(existsSync(join(debian, ALL[2] as string))).toBe(true);
    expect(await runCommand(registerInstallHooks, ['install-hooks', '--sysroot', debian, '--plugin-dir', '/usr/lib/kernel/install.d', '--uninstall'])).toBe(ExitCode.ok);
    expect(existsSync(join(debian, ALL[1] as string))).toBe(false);
    expect(existsSync(join(debian, 'usr/lib/kernel/install.d/50-mkinitramfs-ts.install'))).toBe(false);
  });

  it('bakes this node and this copy for the live root', () => {
    const [node, entry] = thisCommand().split(' ');
    expect(node).toBe(process.execPath);
    expect(entry).toMatch(/\/bin\/mkinitramfs-ts\.cjs$/);
  });
});
