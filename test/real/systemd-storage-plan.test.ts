// The storage features' [with.systemd-initrd] data on the real Debian 12 root (lvm2 2.03.16, mdadm
// 4.2, btrfs-progs, xfsprogs, systemd 252): with systemd as PID 1 the plan holds each stack's udev
// rules, units and the programs those run, each with its feature as reason; the same features with
// the shell /init get none of them (their hooks instead), so shell images do not change.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { buildSysroot, kver } from '../support/fixtures.js';

interface Entry {
  path: string;
  type: string;
  reasons: { why: string; via?: string }[];
}

function plan(extra: string[]): Map<string, Entry> {
  const json = JSON.parse(runCli(['build', '--sysroot', buildSysroot(), '--kver', kver(), '-N', '--dry-run', '--json', '--add', 'lvm mdraid btrfs xfs', ...extra])) as { entries: Entry[] };
  return new Map(json.entries.map((e) => [e.path, e]));
}

/** What each stack needs only when systemd runs the boot, and the feature that brings it. */
const SYSTEMD_ONLY: [string, string][] = [
  ['/usr/lib/udev/rules.d/69-lvm.rules', 'lvm'],
  ['/usr/lib/udev/rules.d/55-dm.rules', 'lvm'],
  ['/usr/lib/udev/rules.d/56-lvm.rules', 'lvm'],
  ['/usr/lib/udev/rules.d/95-dm-notify.rules', 'lvm'],
  ['/usr/sbin/dmsetup', 'lvm'],
  ['/usr/bin/systemd-run', 'lvm'],
  ['/usr/lib/udev/rules.d/64-md-raid-assembly.rules', 'mdraid'],
  ['/usr/lib/udev/rules.d/63-md-raid-arrays.rules', 'mdraid'],
  ['/usr/lib/systemd/system/mdadm-last-resort@.timer', 'mdraid'],
  ['/usr/lib/systemd/system/mdadm-last-resort@.service', 'mdraid'],
  ['/usr/lib/udev/rules.d/63-mkinitramfs-ts-btrfs-load.rules', 'btrfs'],
  ['/usr/sbin/fsck', 'fsck'],
];

describe('the storage features with systemd as PID 1 (Debian 12)', () => {
  it("bring their udev rules, units and programs, each for its feature", () => {
    const sd = plan(['--add', 'systemd-initrd']);
    for (const [path, feature] of SYSTEMD_ONLY) {
      expect(sd.has(path), path).toBe(true);
      expect(sd.get(path)?.reasons.some((r) => new RegExp(`\\bfeature ${feature}\\b`).test(r.why)), `${path} ← feature ${feature}`).toBe(true);
    }
  });

  it('bring none of it with the shell /init', () => {
    const shell = plan([]);
    for (const [path] of SYSTEMD_ONLY) expect(shell.has(path), path).toBe(false);
    expect(shell.has('/usr/lib/mkinitramfs-ts/hooks/initqueue/40-lvm-lvm-activate.sh')).toBe(true);
  });
});
