import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOOK_TAG, hookFiles, hookRunPaths, registerInstallHooks, installHooks, requireRootOnly, thisCommand, uninstallHooks } from '../../../../src/cli/commands/install-hooks.js';
import { runCommand } from '../run-command.js';
import { ExitCode, OutputError, UsageError } from '../../../../src/errors.js';
import { writableByOthers } from '../../../../src/cli/writable-by-others.js';
import { cleanup, testdir } from '../../config/testdir.js';
import { HOOKS } from '../../kernel-hooks/hook-runner.js';
import { PACKAGE_ROOT } from '../../../../src/package-root.js';

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
    expect(installHooks(root, hooks, { command: '/usr/bin/node /opt/mk/bin/mkinitramfs-ts.cjs', force: false })).toEqual(ALL.map((f) => `installed: ${root}${f}`));
    for (const f of ALL.slice(0, 2)) {
      const text = readFileSync(join(root, f), 'utf8');
      expect(text).toContain("MKINITRAMFS_TS_DEFAULT='/usr/bin/node /opt/mk/bin/mkinitramfs-ts.cjs'");
      expect(text).not.toContain("MKINITRAMFS_TS_DEFAULT='mkinitramfs-ts'");
    }
    for (const f of ALL) expect(statSync(join(root, f)).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(root, ALL[2] as string), 'utf8')).toBe(readFileSync(join(HOOKS, 'postrm.d/mkinitramfs-ts'), 'utf8'));
    expect(installHooks(root, hooks, { command: '/usr/bin/node /opt/mk/bin/mkinitramfs-ts.cjs', force: false })).toEqual(ALL.map((f) => `up to date: ${root}${f}`));
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

// The hooks run as root at every kernel install: a node or a copy of mkinitramfs-ts that another user
// can change (theirs, or in a folder they can write) hands them root. These trees are made by root
// (the tests run as root) and given to nobody (65534) to play that user.
const NOBODY = 65534;

/** A root-owned "node" and "entry" under a fresh folder; returns the folder and both paths. */
function runTree(): { dir: string; node: string; entry: string } {
  const dir = testdir({ 'node/bin/node': '#!/bin/sh\n', 'pkg/bin/mkinitramfs-ts.cjs': '// entry\n' });
  return { dir, node: join(dir, 'node/bin/node'), entry: join(dir, 'pkg/bin/mkinitramfs-ts.cjs') };
}

describe('writableByOthers', () => {
  it('root-owned files and folders (and /tmp, sticky) are fine', () => {
    const { node, entry } = runTree();
    expect(writableByOthers(node)).toBeUndefined();
    expect(writableByOthers(entry)).toBeUndefined();
  });

  it('a folder owned by another user, anywhere above the file', () => {
    const { dir, entry } = runTree();
    chownSync(join(dir, 'pkg'), NOBODY, NOBODY);
    expect(writableByOthers(entry)).toEqual({ path: join(dir, 'pkg'), why: `owned by uid ${NOBODY}` });
  });

  it('the file itself owned by another user, or world-writable, or writable by a group other than root', () => {
    const { node, entry } = runTree();
    chownSync(node, NOBODY, 0);
    expect(writableByOthers(node)).toEqual({ path: node, why: `owned by uid ${NOBODY}` });
    chmodSync(entry, 0o646);
    expect(writableByOthers(entry)).toEqual({ path: entry, why: 'world-writable' });
    chmodSync(entry, 0o664);
    expect(writableByOthers(entry)).toBeUndefined(); // group root
    chownSync(entry, 0, NOBODY);
    expect(writableByOthers(entry)).toEqual({ path: entry, why: `writable by group ${NOBODY}` });
  });

  it('a world-writable folder: refused without the sticky bit; with it, only what others own', () => {
    const { dir, entry } = runTree();
    chmodSync(join(dir, 'pkg/bin'), 0o777);
    expect(writableByOthers(entry)).toEqual({ path: join(dir, 'pkg/bin'), why: 'world-writable' });
    chmodSync(join(dir, 'pkg/bin'), 0o1777);
    expect(writableByOthers(entry)).toBeUndefined();
    chownSync(entry, NOBODY, NOBODY);
    expect(writableByOthers(entry)?.path).toBe(entry);
  });

  it('follows symlinks: a root-owned link into another user’s folder is theirs', () => {
    const { dir, entry } = runTree();
    chownSync(join(dir, 'pkg'), NOBODY, NOBODY);
    mkdirSync(join(dir, 'safe'));
    symlinkSync(entry, join(dir, 'safe/entry'));
    expect(writableByOthers(join(dir, 'safe/entry'))?.path).toBe(join(dir, 'pkg'));
  });

  it('a missing path is judged by the nearest folder that exists', () => {
    const { dir } = runTree();
    chownSync(join(dir, 'pkg'), NOBODY, NOBODY);
    expect(writableByOthers(join(dir, 'pkg/not/yet/there'))?.path).toBe(join(dir, 'pkg'));
  });
});

describe('install-hooks refuses what a non-root user could change', () => {
  it('requireRootOnly: a usage error naming the writable path, what it holds and both fixes; --force warns once per place', () => {
    const { dir, node, entry } = runTree();
    expect(requireRootOnly([node, entry], false)).toEqual([]);
    chownSync(join(dir, 'pkg'), NOBODY, NOBODY);
    const run = (): string[] => requireRootOnly([node, entry, join(dir, 'pkg/dist/mkinitramfs-ts.cjs')], false);
    expect(run).toThrow(UsageError);
    expect(run).toThrow(`${join(dir, 'pkg')} is owned by uid ${NOBODY} (it holds ${entry}), and the kernel hooks run ${entry} as root`);
    expect(run).toThrow(/install node and mkinitramfs-ts root-owned .*or pass --force/);
    const warnings = requireRootOnly([node, entry, join(dir, 'pkg/dist/mkinitramfs-ts.cjs')], true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('installed anyway (--force)');
  });

  it('hookRunPaths: the command’s absolute words, and for this copy its entry, bundle and feature folder', () => {
    expect(hookRunPaths('/usr/bin/node /opt/mk/bin/x.js --flag rel', false)).toEqual(['/usr/bin/node', '/opt/mk/bin/x.js']);
    const ours = hookRunPaths(thisCommand(), true);
    expect(ours).toContain(process.execPath);
    expect(ours.some((p) => p.endsWith('/dist/mkinitramfs-ts.cjs'))).toBe(true);
    expect(ours.some((p) => p.endsWith('/modules.d/base/init.sh'))).toBe(true);
  });

  // --sysroot / with --plugin-dir in a temp folder and no Debian pair: nothing outside the temp folder is written
  const liveArgs = (pluginDir: string, command?: string): string[] => [
    'install-hooks', '--sysroot', '/', '--plugin-dir', pluginDir, '--no-debian-hooks', ...(command ? ['--command', command] : []),
  ];

  it('for the live root: a node in a user-owned folder is refused with exit 2 and nothing is written; --force installs', async () => {
    const { dir, node, entry } = runTree();
    chownSync(join(dir, 'node'), NOBODY, NOBODY);
    const plugins = testdir();
    expect(await runCommand(registerInstallHooks, liveArgs(plugins, `${node} ${entry}`))).toBe(ExitCode.usage);
    expect(existsSync(join(plugins, '50-mkinitramfs-ts.install'))).toBe(false);
    expect(await runCommand(registerInstallHooks, [...liveArgs(plugins, `${node} ${entry}`), '--force'])).toBe(ExitCode.ok);
    expect(readFileSync(join(plugins, '50-mkinitramfs-ts.install'), 'utf8')).toContain(`MKINITRAMFS_TS_DEFAULT='${node} ${entry}'`);
  });

  it('for the live root: root-owned paths install, including this root-owned checkout by default', async () => {
    const { node, entry } = runTree();
    const plugins = testdir();
    expect(await runCommand(registerInstallHooks, liveArgs(plugins, `${node} ${entry}`))).toBe(ExitCode.ok);
    expect(statSync(PACKAGE_ROOT).uid).toBe(0); // the premise: this checkout is root's
    const ours = testdir();
    expect(await runCommand(registerInstallHooks, liveArgs(ours))).toBe(ExitCode.ok);
    expect(readFileSync(join(ours, '50-mkinitramfs-ts.install'), 'utf8')).toContain(`MKINITRAMFS_TS_DEFAULT='${thisCommand()}'`);
  });
});
