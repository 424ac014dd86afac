// The iscsi feature in the plan of the real sysroot (--dry-run --json): iscsistart with its libraries
// (libopeniscsiusr, libkmod, libcrypto), iscsi_tcp with what it depends on in Debian's kernel
// (libiscsi_tcp, libiscsi, scsi_transport_iscsi), sd_mod, the network feature it depends on, each with
// its reason; and a sysroot without open-iscsi fails the build naming iscsistart, not the boot.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/build-image.js';
import { iscsiSysroot, kver, netSysroot } from '../support/fixtures.js';

interface JsonEntry {
  path: string;
  type: string;
  reasons: { why: string }[];
}

let entries: JsonEntry[] = [];
const why = (e: JsonEntry | undefined): string => e?.reasons.map((r) => r.why).join(' ') ?? '';
const module = (name: string): JsonEntry | undefined => entries.find((e) => e.path.startsWith(`/usr/lib/modules/${kver()}/kernel/`) && e.path.replace(/-/g, '_').endsWith(`/${name}.ko`));

beforeAll(() => {
  const plan = JSON.parse(runCli(['build', '--sysroot', iscsiSysroot(), '--kver', kver(), '-N', '-a', 'iscsi', '--dry-run', '--json'])) as { entries: JsonEntry[] };
  entries = plan.entries;
}, 120_000);

describe('iscsi feature in a generic plan', () => {
  it('carries iscsistart with its libraries, the iscsi hooks, and the network feature it depends on', () => {
    expect(why(entries.find((e) => e.path === '/usr/sbin/iscsistart'))).toMatch(/feature iscsi/);
    for (const lib of ['libopeniscsiusr.so', 'libkmod.so.2', 'libcrypto.so.3']) expect(entries.some((e) => e.path.includes(`/${lib}`)), lib).toBe(true);
    expect(entries.some((e) => e.path === '/usr/lib/mkinitramfs-ts/iscsi-lib.sh')).toBe(true);
    expect(entries.some((e) => /\/hooks\/initqueue\/30-iscsi-iscsi-login\.sh$/.test(e.path))).toBe(true);
    expect(entries.some((e) => /\/hooks\/initqueue\/20-network-net-up\.sh$/.test(e.path))).toBe(true);
  });

  it('carries iscsi_tcp and what it depends on, and sd_mod', () => {
    expect(why(module('iscsi_tcp'))).toMatch(/feature iscsi/);
    for (const m of ['libiscsi_tcp', 'libiscsi', 'scsi_transport_iscsi']) expect(why(module(m)), m).toMatch(/iscsi_tcp/);
    expect(why(module('sd_mod'))).toMatch(/feature iscsi|kernel-modules/);
    expect(why(module('iscsi_ibft'))).toMatch(/feature iscsi/);
  });

  it('a sysroot without open-iscsi fails the build naming iscsistart', () => {
    const r = spawnSync(process.execPath, [CLI, 'build', '--sysroot', netSysroot(), '--kver', kver(), '-N', '-a', 'iscsi', '--dry-run'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/iscsistart/);
  }, 120_000);
});
