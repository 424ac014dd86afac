// Where a feature's build-time script runs. Scripts shipped with mkinitramfs-ts, and those of the live
// root (--sysroot /, root's own configuration), run on this host. A script found in another sysroot's
// tree is that tree's code: it runs chrooted into the sysroot as nobody (65534), with no new privileges
// (a setuid file there grants nothing), unless the caller trusts the tree (--trust-sysroot-scripts).
import { accessSync, constants, realpathSync } from 'node:fs';
import { FsHost } from '../host/fs-host.js';
import { UsageError } from '../errors.js';

/** The fixed tool directories of the build host; the caller's PATH does not choose what runs as root. */
const TOOL_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const NOBODY = '65534';

export type ScriptPlace = { where: 'host' } | { where: 'sysroot'; root: string };

/** Host for our own features and the live root's, or when the caller trusts the sysroot; else inside it. */
export function scriptPlace(fromSysroot: boolean, sysroot: string, trust: boolean): ScriptPlace {
  if (!fromSysroot || trust) return { where: 'host' };
  const root = realpathSync(sysroot);
  return root === '/' ? { where: 'host' } : { where: 'sysroot', root };
}

export interface SandboxFacts {
  isRoot: boolean;
  /** The sysroot has /bin/sh (followed inside the sysroot). */
  hasShell: boolean;
  chroot?: string;
  setpriv?: string;
}

/** Why a sysroot script cannot run inside its sysroot here (one line with the fix), or undefined. */
export function sandboxProblem(facts: SandboxFacts, file: string, root: string): string | undefined {
  const trust = 'or pass --trust-sysroot-scripts to run it on this host';
  if (!facts.isRoot) return `${file} comes from the sysroot ${root} and runs chrooted there, which needs root: run as root, ${trust}`;
  if (!facts.hasShell) return `${file} comes from the sysroot ${root}, which has no /bin/sh to run it: install a shell there, ${trust}`;
  if (!facts.chroot || !facts.setpriv)
    return `${file} comes from the sysroot ${root} and runs chrooted there, which needs ${!facts.chroot ? 'chroot (coreutils)' : 'setpriv (util-linux)'} on this host: install it, ${trust}`;
  return undefined;
}

/**
 * The command that runs `script` (an in-root path) with /bin/sh inside `root`, working directory its
 * folder `dir` (in-root). Throws a UsageError naming the fix when that cannot be done here.
 */
export function sandboxCommand(root: string, dir: string, script: string, file: string): { command: string; args: string[] } {
  const facts: SandboxFacts = {
    isRoot: process.getuid?.() === 0,
    hasShell: new FsHost({ root }).stat('/bin/sh')?.isFile() === true,
    chroot: _tool('chroot'),
    setpriv: _tool('setpriv'),
  };
  const problem = sandboxProblem(facts, file, root);
  if (problem !== undefined) throw new UsageError(problem);
  return {
    command: facts.setpriv as string,
    args: [
      '--no-new-privs',
      facts.chroot as string,
      `--userspec=${NOBODY}:${NOBODY}`,
      `--groups=${NOBODY}`,
      root,
      '/bin/sh',
      '-c',
      // a folder it cannot enter is an error (125), never "leave the feature out" (1)
      'cd -- "$1" || exit 125; exec /bin/sh "$2"',
      'mkinitramfs-ts-script',
      dir,
      script,
    ],
  };
}

function _tool(name: string): string | undefined {
  for (const d of TOOL_DIRS) {
    try {
      accessSync(`${d}/${name}`, constants.X_OK);
      return `${d}/${name}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
