// rd.timeout / rootdelay / rd.retry: parsed once, strictly (decimal digits, leading zeros allowed, 0 to
// 86400), with one meaning in /init, the md hook and the btrfs hook. Run under busybox ash and dash
// in a fake root whose /proc/uptime the test writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { FakeRoot, type Shell } from './fake-root.js';

let fr: FakeRoot | undefined;
afterEach(() => fr?.cleanup());
const make = (shell: Shell): FakeRoot => {
  const r = FakeRoot.create({ shell });
  fr = r;
  for (const [to, from] of [
    ['/usr/lib/mkinitramfs-ts/md-lib.sh', 'mdraid/md-lib.sh'],
    ['/usr/lib/mkinitramfs-ts/hooks/initqueue/30-mdraid-md-assemble.sh', 'mdraid/md-assemble.sh'],
    ['/usr/lib/mkinitramfs-ts/hooks/pre-mount/20-btrfs-btrfs-devices.sh', 'btrfs/btrfs-devices.sh'],
  ] as const) r.file(to, readFileSync(join(BUILTIN_MODULES_D, from)));
  return r;
};

describe.each<Shell>(['busybox', 'dash'])('root_timeout (%s)', (shell) => {
  const timeout = (cmdline: string, env: Record<string, string> = {}) => {
    const r = make(shell);
    r.file('/proc/cmdline', `${cmdline}\n`);
    const out = r.sh('read_cmdline; root_timeout; echo "$ROOT_TIMEOUT_S $MEMBER_WAIT_S"', env);
    r.cleanup();
    fr = undefined;
    return { status: out.status, value: out.stdout.trim(), warning: out.stderr.trim() };
  };

  it.each([
    ['rd.timeout=08', '8 4'],
    ['rootdelay=09', '9 5'],
    ['rd.retry=010', '10 5'],
    ['rd.timeout=0', '0 30'],
    ['rd.timeout=000', '0 30'],
    ['rd.timeout=1', '1 1'],
    ['rd.timeout=86400', '86400 43200'],
    ['quiet', '60 30'],
    ['rd.timeout=7 rootdelay=99', '7 4'],
  ])('%s → "%s", no warning', (cmdline, want) => {
    expect(timeout(cmdline)).toEqual({ status: 0, value: want, warning: '' });
  });

  it.each(['', 'abc', '-1', '+5', '5s', '0x10', '1e3', '86401', '99999999999999999999999', ' 5', '$(touch /tmp/x)'])(
    'rd.timeout=%j is said and ignored: the default applies',
    (v) => {
      const r = timeout(`rd.timeout=${v}`, { ROOT_TIMEOUT: '20' });
      expect(r.status).toBe(0);
      // ' 5' splits into "rd.timeout=" and "5": still not a number
      expect(r.value).toBe('20 10');
      expect(r.warning).toMatch(/^mkinitramfs-ts: warning: ignoring rd\.timeout=.*: not a number of seconds from 0 to 86400; waiting 20s$/);
    },
  );

  it('a bad rd.timeout falls through to rootdelay', () => {
    expect(timeout('rd.timeout=soon rootdelay=012').value).toBe('12 6');
  });
});

describe.each<Shell>(['busybox', 'dash'])('the md and btrfs hooks follow it (%s)', (shell) => {
  /** The md initqueue hook once, an array waiting for members whose first member came at `first`. */
  const mdRound = (cmdline: string, first: number, now: number) => {
    const r = make(shell);
    r.file('/proc/cmdline', `${cmdline}\n`).file('/proc/uptime', `${now}.25 1.00\n`);
    r.file('/proc/mdstat', 'Personalities : [raid1]\nmd0 : inactive vdb[0](S)\n      1 blocks\n\nunused devices: <none>\n');
    r.tool('/usr/sbin/mdadm', 'echo "mdadm $*"');
    const out = r.sh(`read_cmdline\n. /lib/mkinitramfs-ts/md-lib.sh\nMD_FIRST_SEEN=${first}\n. /lib/mkinitramfs-ts/hooks/initqueue/30-mdraid-md-assemble.sh\necho "done ${'$'}MD_DEGRADED_TRIED"`);
    r.cleanup();
    fr = undefined;
    return out;
  };

  it('rd.timeout=08 is 8 s for the root, 4 s for md members (before: an arithmetic error that ended /init)', () => {
    const early = mdRound('rd.timeout=08', 100, 103);
    expect(early.stderr).toBe('');
    expect(early.stdout).toBe('done \n');
    expect(mdRound('rd.timeout=08', 100, 104).stdout).toBe('mdadm --incremental --run --scan\ndone 1\n');
  });

  it('rd.timeout=0 waits for ever for root, but md arrays still start degraded after half the default', () => {
    expect(mdRound('rd.timeout=0', 100, 100).stdout).toBe('done \n');
    expect(mdRound('rd.timeout=0', 100, 129).stdout).toBe('done \n');
    expect(mdRound('rd.timeout=0', 100, 130).stdout).toBe('mdadm --incremental --run --scan\ndone 1\n');
  });

  it('rd.timeout=0: btrfs keeps waiting for its members (before: it gave up at once)', () => {
    const r = make(shell);
    r.file('/proc/cmdline', 'rd.timeout=0\n').file('/proc/uptime', '500.00 1.00\n');
    // ready on the third question; the clock does not move, so only "for ever" can wait for it
    r.tool('/usr/bin/btrfs', 'case "$1 $2" in "device ready") n=$(cat /tmp/n 2>/dev/null); n=$((n+1)); echo $n >/tmp/n; [ $n -ge 3 ] ;; esac');
    const out = r.sh(`read_cmdline\nROOT_FSTYPE=btrfs ROOT_DEV=/dev/vdb\n. /lib/mkinitramfs-ts/hooks/pre-mount/20-btrfs-btrfs-devices.sh 2>&1 | grep -v 'no btrfs module'\necho "asked $(cat /tmp/n)"`);
    expect(out.stdout).toContain('asked 3');
    expect(out.stdout).toContain('btrfs on /dev/vdb: waiting for the other devices of the file system\n');
    expect(out.stdout).not.toMatch(/rootflags=degraded/);
  });
});
