// modules.devname as systemd-tmpfiles lines, written at build time for a systemd image: the same
// lines as this machine's `kmod static-nodes --format=tmpfiles` (what kmod-static-nodes.service runs
// at boot) makes of the same file, run in a chroot whose running-kernel module folder holds it.
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ModulesDbError } from '../../../src/errors.js';
import { staticNodesTmpfiles } from '../../../src/kmod/static-nodes.js';
import { FakeRoot } from '../init-shell/fake-root.js';

let fr: FakeRoot | undefined;
afterEach(() => {
  fr?.cleanup();
  fr = undefined;
});

function kmodStaticNodes(devname: string): string {
  const r = FakeRoot.create({ shell: 'dash' });
  fr = r;
  const kver = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  r.file(`/usr/lib/modules/${kver}/modules.devname`, devname);
  const res = r.sh('kmod static-nodes --format=tmpfiles --output=/tmp/out && cat /tmp/out');
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  return res.stdout;
}

const DEVNAME = [
  '# Device nodes to trigger on-demand module loading.',
  'autofs4 autofs c10:235',
  'btrfs btrfs-control c10:234',
  'dm_mod mapper/control c10:236',
  'snd_seq snd/seq c116:1',
  'uhid uhid c10:239',
  'loop loop-control c10:237',
  'ppdev parport0 c99:0',
  'floppy fd0 b2:0',
  'kvm cpu/0/x c010:7',
  '',
].join('\n');

describe('staticNodesTmpfiles', () => {
  it('writes what kmod static-nodes writes: a folder line before a nested node, char and block nodes, 0600', () => {
    const ours = staticNodesTmpfiles(DEVNAME);
    expect(ours).toBe(kmodStaticNodes(DEVNAME));
    expect(ours).toMatch(/^d \/dev\/mapper 0755 - - -\nc! \/dev\/mapper\/control 0600 - - - 10:236$/m);
  });

  it('no node (a kernel whose image modules have none): no lines, as kmod writes none', () => {
    const empty = '# Device nodes to trigger on-demand module loading.\n';
    expect(staticNodesTmpfiles(empty)).toBe('');
    expect(kmodStaticNodes(empty)).toBe('');
  });

  it('a line that is not "MODULE DEVNAME cMAJOR:MINOR" is an error naming the file and line', () => {
    expect(() => staticNodesTmpfiles('dm_mod mapper/control x10:236\n', '/lib/modules/6.1/modules.devname')).toThrow(ModulesDbError);
    expect(() => staticNodesTmpfiles('# h\ndm_mod mapper/control\n', '/lib/modules/6.1/modules.devname')).toThrow(/modules\.devname:2: .*re-run depmod/);
  });
});
