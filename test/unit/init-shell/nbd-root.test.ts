// The nbd feature's parser of dracut's root=nbd:SERVER:PORT_OR_EXPORT[:FSTYPE[:FLAGS[:NBDOPTS]]] under
// busybox ash and dash, in a fake root with net-lib.sh and nbd-lib.sh at their image paths: fields
// into variables, nbd-client options from a short allow-list, hostile values refused and never run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { FakeRoot, q, type Shell } from './fake-root.js';

const FIELDS = ['NBD_SERVER', 'NBD_PORT', 'NBD_EXPORT', 'NBD_FSTYPE', 'NBD_FLAGS', 'NBD_ARGS'];

describe.each<Shell>(['busybox', 'dash'])('root=nbd: (%s)', (shell) => {
  let fr: FakeRoot;
  beforeEach(() => {
    fr = FakeRoot.create({ shell });
    for (const f of ['network/net-lib.sh', 'nbd/nbd-lib.sh']) fr.file(`/lib/mkinitramfs-ts/${f.split('/')[1]}`, readFileSync(join(BUILTIN_MODULES_D, f), 'utf8'));
  });
  afterEach(() => fr.cleanup());

  const parse = (value: string): Record<string, string> | { error: string } => {
    const r = fr.sh(`. /lib/mkinitramfs-ts/net-lib.sh; . /lib/mkinitramfs-ts/nbd-lib.sh\nif nbd_parse ${q(value)}; then ${FIELDS.map((f) => `printf '%s=%s\\n' ${f} "$${f}"`).join('; ')}; else printf 'ERROR=%s\\n' "$NBD_ERROR"; fi`);
    expect(r.stderr).toBe('');
    const kv = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]).filter(([, v]) => v !== ''));
    return 'ERROR' in kv ? { error: kv['ERROR'] as string } : kv;
  };

  it('SERVER:PORT, SERVER:EXPORT (default port 10809), FSTYPE, FLAGS and NBDOPTS', () => {
    expect(parse('10.0.2.2:10809')).toEqual({ NBD_SERVER: '10.0.2.2', NBD_PORT: '10809' });
    expect(parse('nbd.example:rootfs')).toEqual({ NBD_SERVER: 'nbd.example', NBD_PORT: '10809', NBD_EXPORT: 'rootfs' });
    expect(parse('[2001:db8::2]:2000:ext4:noatime,errors=remount-ro:timeout=30,persist,bs=4096')).toEqual({
      NBD_SERVER: '2001:db8::2', NBD_PORT: '2000', NBD_FSTYPE: 'ext4', NBD_FLAGS: 'noatime,errors=remount-ro', NBD_ARGS: '-timeout 30 -persist -block-size 4096',
    });
    expect(parse('10.0.0.1:exp::ro')).toMatchObject({ NBD_EXPORT: 'exp', NBD_FLAGS: 'ro' });
  });

  it('refuses what is not valid, saying why; hostile values never run', () => {
    const bad: Array<[string, RegExp]> = [
      ['10.0.2.2', /no port or export/],
      ['10.0.2.2:0', /port '0'/],
      ['10.0.2.2:70000', /port '70000'/],
      ['-x:10809', /server '-x'/],
      ['10.0.2.2:-export', /export name '-export'/],
      ['10.0.2.2:10809:-t', /file system type '-t'/],
      ['10.0.2.2:10809:ext4:-o', /mount options '-o'/],
      ['10.0.2.2:10809:ext4::-certfile', /nbd option '-certfile'/],
      ['10.0.2.2:10809:ext4::timeout=x', /nbd option 'timeout=x' needs a number/],
      ['10.0.2.2:10809:ext4:ro:persist:extra', /more fields/],
      ['[2001:db8::2:10809', /unbalanced/],
      ['10.0.2.2:$(touch /tmp/ran)', /character/],
      ['10.0.2.2:10809:ext4:ro;reboot', /character/],
      ['`id`:10809', /server/],
    ];
    for (const [value, why] of bad) {
      const r = parse(value);
      expect(r, value).toHaveProperty('error');
      expect((r as { error: string }).error, value).toMatch(why);
    }
    expect(fr.exists('/tmp/ran')).toBe(false);
  });
});
