// The keymap feature's boot side (keymap-lib.sh) under busybox ash in a fake root: which compiled map it
// hands to loadkmap (/etc/vconsole.conf, rd.vconsole.keymap=, vconsole.keymap=), "us" as the kernel's own,
// hostile or unknown names refused as data, and nothing here ever stops the boot.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { FakeRoot, q } from './fake-root.js';

describe('keymap_load (busybox)', () => {
  let fr: FakeRoot;
  beforeEach(() => {
    fr = FakeRoot.create();
    fr.file('/lib/mkinitramfs-ts/keymap-lib.sh', readFileSync(join(BUILTIN_MODULES_D, 'keymap/keymap-lib.sh'), 'utf8'));
    fr.file('/etc/mkinitramfs-ts/keymaps/de-latin1.bmap', 'bkeymap-de');
    fr.file('/etc/mkinitramfs-ts/keymaps/fr-latin9.bmap', 'bkeymap-fr');
  });
  afterEach(() => fr.cleanup());

  // busybox ash runs its own applets before PATH: the stand-in is a function, recording the map it was given
  const RECORDING = 'loadkmap() { cat >>/tmp/loaded; echo >>/tmp/loaded; }';
  const load = (cmdline: string, loadkmap = RECORDING): { loaded: string; stderr: string; status: number | null } => {
    const r = fr.sh(`. /lib/mkinitramfs-ts/keymap-lib.sh\n${loadkmap}\nCMDLINE=${q(` ${cmdline}`)}\nkeymap_load\necho "rc=$?"\ncat /tmp/loaded 2>/dev/null || true`);
    expect(r.stdout).toMatch(/^rc=0$/m);
    return { loaded: r.stdout.replace(/^rc=0\n/, '').trim(), stderr: r.stderr.trim(), status: r.status };
  };

  const kmsg = (): string => (fr.exists('/dev/kmsg') ? readFileSync(fr.disk('/dev/kmsg'), 'utf8') : '');

  it('the map /etc/vconsole.conf names, said in the kernel log (a file /dev/kmsg here)', () => {
    fr.file('/etc/vconsole.conf', 'FONT=x\nKEYMAP=de-latin1\n');
    expect(load('root=/dev/vda')).toEqual({ loaded: 'bkeymap-de', stderr: '', status: 0 });
    expect(kmsg()).toBe('<5>mkinitramfs-ts: console keymap de-latin1 loaded\n');
  });

  it('rd.vconsole.keymap= (and vconsole.keymap=) pick another map of the image; us loads nothing', () => {
    fr.file('/etc/vconsole.conf', 'KEYMAP=de-latin1\n');
    expect(load('rd.vconsole.keymap=fr-latin9').loaded).toBe('bkeymap-fr');
    fr.sh('rm -f /tmp/loaded');
    expect(load('vconsole.keymap=fr-latin9').loaded).toBe('bkeymap-fr');
    fr.sh('rm -f /tmp/loaded');
    expect(load('vconsole.keymap=fr-latin9 rd.vconsole.keymap=us')).toEqual({ loaded: '', stderr: '', status: 0 });
    expect(kmsg()).toMatch(/<5>mkinitramfs-ts: console keymap us \(the kernel's own\)\n$/);
  });

  it('a name the image lacks, or one that is not a name, is a warning and nothing is loaded or run', () => {
    fr.file('/etc/vconsole.conf', 'KEYMAP=de-latin1\n');
    expect(load('rd.vconsole.keymap=sv-latin1')).toEqual({
      loaded: '', status: 0,
      stderr: 'mkinitramfs-ts: warning: console keymap sv-latin1 is not in this image (build it with --keymap sv-latin1); the console keeps its keymap',
    });
    for (const hostile of ['../keymaps/de-latin1', '$(touch${IFS}/tmp/ran)', '.hidden']) {
      const r = load(`rd.vconsole.keymap=${hostile}`);
      expect(r.loaded).toBe('');
      expect(r.stderr).toBe(`mkinitramfs-ts: warning: rd.vconsole.keymap=${hostile}: not a keymap name; the console keeps its keymap`);
    }
    expect(fr.exists('/tmp/ran')).toBe(false);
  });

  it('no /etc/vconsole.conf: nothing to do; loadkmap failing (no virtual console): a warning, the boot goes on', () => {
    expect(load('quiet')).toEqual({ loaded: '', stderr: '', status: 0 });
    fr.file('/etc/vconsole.conf', 'KEYMAP=de-latin1\n');
    expect(load('', 'loadkmap() { echo "loadkmap: can\'t open console" >&2; return 1; }').stderr).toBe("loadkmap: can't open console\nmkinitramfs-ts: warning: loadkmap could not load the console keymap de-latin1 (no virtual console?); the console keeps its keymap");
  });
});
