import type { Command } from '@commander-js/extra-typings';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OutputError, UsageError, fsError } from '../../errors.js';
import { CLI_ENTRY, PACKAGE_ROOT } from '../../package-root.js';
import { writableByOthers } from '../writable-by-others.js';

const HOOKS_DIR = join(PACKAGE_ROOT, 'kernel-hooks');
const ENTRY = CLI_ENTRY;
/** Every hook file carries this tag; files without it are never replaced or removed. */
export const HOOK_TAG = 'mkinitramfs-ts:hook';
const DEFAULT_LINE = /^MKINITRAMFS_TS_DEFAULT='mkinitramfs-ts'$/m;

export function registerInstallHooks(program: Command): void {
  program
    .command('install-hooks')
    .description('install (or --uninstall) the kernel-install plugin and the Debian postinst.d/postrm.d hooks')
    .option('--sysroot <dir>', 'install into this root file system', '/')
    .option('--uninstall', 'remove the hooks this command installed')
    .option('--plugin-dir <dir>', 'kernel-install plugin directory inside the sysroot', '/etc/kernel/install.d')
    .option('--debian-hooks', 'install /etc/kernel/postinst.d and postrm.d hooks (default: when /etc/debian_version exists)')
    .option('--no-debian-hooks', 'do not install the Debian hooks')
    .option('--command <cmd>', 'how the hooks run mkinitramfs-ts (default: this node and this copy; "mkinitramfs-ts" with --sysroot)')
    .option('-f, --force', 'replace files of the same name that are not ours; install even when a path the hooks run is writable by a non-root user (warns)')
    .action(async (opts) => {
      if (!existsSync(opts.sysroot)) throw new UsageError(`--sysroot ${opts.sysroot}: no such directory`);
      const debian = opts.debianHooks ?? existsSync(join(opts.sysroot, 'etc/debian_version'));
      const hooks = hookFiles(opts.pluginDir, debian || opts.uninstall === true);
      if (opts.uninstall) {
        for (const line of uninstallHooks(opts.sysroot, hooks)) process.stderr.write(`mkinitramfs-ts: ${line}\n`);
        return;
      }
      const command = opts.command ?? (opts.sysroot === '/' ? thisCommand() : 'mkinitramfs-ts');
      // the hooks run as root on this machine: nobody else may be able to change what they run
      if (opts.sysroot === '/')
        for (const w of requireRootOnly(hookRunPaths(command, opts.command === undefined), opts.force === true)) process.stderr.write(`mkinitramfs-ts: warning: ${w}\n`);
      for (const line of installHooks(opts.sysroot, hooks, { command, force: opts.force === true })) process.stderr.write(`mkinitramfs-ts: ${line}\n`);
      process.stderr.write(`mkinitramfs-ts: the hooks run: ${command}\n`);
    });
}

export interface HookFile {
  /** In the package's kernel-hooks/ directory. */
  source: string;
  /** Inside the sysroot. */
  target: string;
}

export function hookFiles(pluginDir: string, debian: boolean): HookFile[] {
  const files = [{ source: '50-mkinitramfs-ts.install', target: join(pluginDir, '50-mkinitramfs-ts.install') }];
  if (debian)
    files.push(
      { source: 'postinst.d/mkinitramfs-ts', target: '/etc/kernel/postinst.d/mkinitramfs-ts' },
      { source: 'postrm.d/mkinitramfs-ts', target: '/etc/kernel/postrm.d/mkinitramfs-ts' },
    );
  return files;
}

/** The command that runs this very copy with this very node, for hooks run with a minimal PATH. */
export function thisCommand(): string {
  const words = [process.execPath, realpathSync(ENTRY)];
  return words.every((w) => /^[\w./+@-]+$/.test(w)) ? words.join(' ') : 'mkinitramfs-ts';
}

/** The absolute paths in the hooks' command and, when it runs this copy, the package files it loads. */
export function hookRunPaths(command: string, ours: boolean, packageRoot = PACKAGE_ROOT): string[] {
  const words = command.split(/\s+/).filter((w) => w.startsWith('/'));
  if (!ours) return words;
  const files = ['package.json', 'bin/mkinitramfs-ts.cjs', 'dist/mkinitramfs-ts.cjs'].map((f) => join(packageRoot, f));
  return [...words, ...files, ..._tree(join(packageRoot, 'modules.d'))];
}

/**
 * Refuse (UsageError) when a non-root user can write one of `paths` or a directory above it: they would
 * get root at the next kernel install. With `force`, the problems come back as warnings instead.
 */
export function requireRootOnly(paths: string[], force: boolean): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const found = writableByOthers(path);
    if (found === undefined || seen.has(found.path)) continue; // one line per writable place
    seen.add(found.path);
    const what = `${found.path} is ${found.why}${found.path === path ? '' : ` (it holds ${path})`}, and the kernel hooks run ${path} as root`;
    if (!force)
      throw new UsageError(
        `${what}: whoever can write it gets root at the next kernel install; install node and mkinitramfs-ts root-owned (e.g. npm install -g as root), or pass --force to install anyway`,
      );
    warnings.push(`${what}: installed anyway (--force)`);
  }
  return warnings;
}

export function installHooks(sysroot: string, hooks: HookFile[], opts: { command: string; force: boolean; hooksDir?: string }): string[] {
  if (/['\n]/.test(opts.command)) throw new UsageError(`--command ${JSON.stringify(opts.command)}: must not contain quotes or newlines`);
  // check every file before writing any, so a refusal leaves the root as it was
  const planned = hooks.map((hook) => {
    const source = join(opts.hooksDir ?? HOOKS_DIR, hook.source);
    const text = _readIfExists(source);
    if (text === undefined) throw new OutputError(`${source}: missing from the package: reinstall mkinitramfs-ts`, source);
    // the hooks that run a build name their default command on one line, replaced here
    if (text.includes('$MKINITRAMFS_TS ') && !DEFAULT_LINE.test(text))
      throw new OutputError(`${source}: the packaged hook lacks its MKINITRAMFS_TS_DEFAULT line: reinstall mkinitramfs-ts`, source);
    const dest = join(sysroot, hook.target);
    const current = _readIfExists(dest);
    if (current !== undefined && !current.includes(HOOK_TAG) && !opts.force) throw _notOurs(dest, 'use --force to replace it');
    return { dest, current, body: text.replace(DEFAULT_LINE, `MKINITRAMFS_TS_DEFAULT='${opts.command}'`) };
  });
  const report: string[] = [];
  for (const { dest, current, body } of planned) {
    if (current === body && (statSync(dest).mode & 0o777) === 0o755) {
      report.push(`up to date: ${dest}`);
      continue;
    }
    const temp = `${dest}.mkinitramfs-ts.tmp`;
    try {
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(temp, body, { mode: 0o755 });
      chmodSync(temp, 0o755);
      renameSync(temp, dest);
    } catch (err) {
      rmSync(temp, { force: true });
      throw fsError(err, dest, 'write');
    }
    report.push(`${current === undefined ? 'installed' : 'updated'}: ${dest}`);
  }
  return report;
}

export function uninstallHooks(sysroot: string, hooks: HookFile[]): string[] {
  const report: string[] = [];
  for (const hook of hooks) {
    const dest = join(sysroot, hook.target);
    const current = _readIfExists(dest);
    if (current === undefined) report.push(`not installed: ${dest}`);
    else if (!current.includes(HOOK_TAG)) report.push(`left alone (not installed by mkinitramfs-ts): ${dest}`);
    else {
      try {
        unlinkSync(dest);
      } catch (err) {
        throw fsError(err, dest, 'remove');
      }
      report.push(`removed: ${dest}`);
    }
    rmSync(`${dest}.mkinitramfs-ts.tmp`, { force: true });
  }
  return report;
}

/** A folder and everything in it (a missing folder: nothing). */
function _tree(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return [dir, ...names.sort().flatMap((n) => (lstatSync(join(dir, n)).isDirectory() ? _tree(join(dir, n)) : [join(dir, n)]))];
}

function _readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw fsError(err, path);
  }
}

function _notOurs(dest: string, fix: string): OutputError {
  return new OutputError(`${dest} exists and was not installed by mkinitramfs-ts: ${fix}`, dest);
}
