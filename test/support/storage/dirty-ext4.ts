// A systemd root on ext4 left as after a crash: the superblock says "not clean" and block group 1
// claims a wrong number of free blocks, so `e2fsck -p` checks it, repairs it and exits 1.
import { execFileSync } from 'node:child_process';
import { cachedArtifact } from '../disks/cached-artifact.js';
import { systemdRootDisk } from '../disks.js';

const _RECIPE = 1;
const _DAMAGE = ['ssv state 0', 'set_bg 1 free_blocks_count 17', 'set_bg 1 checksum calc'];

export async function dirtyExt4RootDisk(spec: { uuid: string; label: string }): Promise<string> {
  const clean = await systemdRootDisk(spec);
  const art = await cachedArtifact('storage-dirty', { _RECIPE, clean, damage: _DAMAGE }, async (tmp) => {
    execFileSync('cp', ['--sparse=always', clean, tmp]);
    execFileSync('debugfs', ['-w', '-f', '-', tmp], { input: `${_DAMAGE.join('\n')}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
    const state = execFileSync('dumpe2fs', ['-h', tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (!/^Filesystem state:\s+not clean/m.test(state)) throw new Error(`debugfs did not mark ${tmp} not clean`);
  });
  return art.path;
}
