// Debian 12's own Node 18 (test/fixtures/distro-roots.sh unpacks nodejs + libnode108 into node18/),
// to run this repository's CLI with the oldest Node it must support. That node is not installed:
// its libraries come through LD_LIBRARY_PATH, and the JavaScript parts Debian keeps out of libnode
// (acorn, cjs-module-lexer, undici), which it loads from the fixed path /usr/share/nodejs, are laid
// over the host's /usr/share in a private mount namespace (unshare -m + a read-only overlay), so the
// host's own file system is never changed.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './fixtures.js';

export const NODE18_ROOT = join(FIXTURES, 'node18');

function _root(): string {
  if (!existsSync(join(NODE18_ROOT, '.complete')))
    throw new Error(`test fixture ${NODE18_ROOT} is missing: run 'bash test/fixtures/fetch.sh' first`);
  return NODE18_ROOT;
}

/** The .deb files node18/ was unpacked from. */
export const node18Debs = (): string[] => readFileSync(join(_root(), '.debs'), 'utf8').trim().split('\n');

const _WRAP = 'mount -t overlay node18-share -o "lowerdir=$N18/usr/share:/usr/share" /usr/share && exec "$@"';

/** Run `command args` with Debian's node 18 first on PATH (so `node` and bin/mkinitramfs-ts.cjs use it). */
export function runNode18(command: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const root = _root();
  const { NODE_OPTIONS: _notForThisNode, ...base } = process.env;
  return spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', _WRAP, 'node18', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: {
      ...base,
      ...env,
      N18: root,
      PATH: `${join(root, 'usr/bin')}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      LD_LIBRARY_PATH: join(root, 'usr/lib/x86_64-linux-gnu'),
    },
  });
}
