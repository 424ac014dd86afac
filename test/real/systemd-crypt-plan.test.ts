// The plan of --add systemd-initrd on a sysroot with cryptsetup: crypt's [with.systemd-initrd] part joins
// (systemd-cryptsetup, its generator and agent; never in a shell-/init image); Debian 13's declared dlopen()
// libraries that no feature asked for are notes of the plan, each with its note feature and priority.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { buildSysroot, kver, trixieKernel } from '../support/fixtures.js';
import { builderDisksEnv } from '../support/storage/storage-disks.js';
import { storageSysroot } from '../support/storage/storage-sysroot.js';

interface Plan {
  entries: { path: string; type: string; target?: string; reasons: { why: string }[] }[];
  notes: { subject: string; text: string; reasons: string[] }[];
}

function plan(sysroot: string, kernelVersion: string, extra: string[]): Plan {
  return JSON.parse(runCli(['build', '--sysroot', sysroot, '--kver', kernelVersion, '-N', '--dry-run', '--json', ...extra])) as Plan;
}

const SD_CRYPT = [
  '/usr/lib/systemd/system-generators/systemd-cryptsetup-generator',
  '/usr/lib/systemd/systemd-cryptsetup',
  '/usr/bin/systemd-tty-ask-password-agent',
  '/usr/lib/systemd/system/systemd-ask-password-console.path',
  '/usr/lib/systemd/system/sysinit.target.wants/systemd-ask-password-console.path',
  '/usr/lib/udev/rules.d/95-dm-notify.rules',
  '/usr/sbin/dmsetup',
];

describe("crypt's [with.systemd-initrd] part in the plan", () => {
  it('joins with crypt and systemd-initrd (Debian 12), and stays out of the shell-/init image', async () => {
    const sysroot = await storageSysroot(builderDisksEnv());
    const sd = plan(sysroot, kver(), ['--add', 'systemd-initrd']);
    const paths = new Map(sd.entries.map((e) => [e.path, e.reasons.map((r) => r.why).join('; ')]));
    for (const p of SD_CRYPT) expect(paths.get(p), p).toMatch(/feature crypt/);

    const shell = plan(sysroot, kver(), []);
    expect(shell.entries.some((e) => e.reasons.some((r) => r.why.includes('feature crypt')))).toBe(true);
    const shellPaths = new Set(shell.entries.map((e) => e.path));
    for (const p of SD_CRYPT.filter((x) => x !== '/usr/sbin/dmsetup')) expect(shellPaths.has(p), p).toBe(false);
    // cryptsetup's CLI is the shell hook's tool (shell_binaries): systemd opens the volumes without it
    expect(shellPaths.has('/usr/sbin/cryptsetup')).toBe(true);
    expect(paths.has('/usr/sbin/cryptsetup')).toBe(false);
  }, 120_000);

  it("a generic image's crypttab: each entry nofail with systemd as PID 1 (the real generator waits for none), as written for the shell /init", async () => {
    const sysroot = await storageSysroot(builderDisksEnv());
    const dir = mkdtempSync(join(tmpdir(), 'sd-crypttab-'));
    try {
      const sysrootTab = readFileSync(join(sysroot, 'etc/crypttab'), 'utf8');
      const entry = /^(cryptnvme UUID=\S+ \S+ luks,discard)$/m.exec(sysrootTab)?.[1];
      expect(entry).toBeDefined();
      const crypttabOf = (name: string, extra: string[]): string => {
        const img = join(dir, name);
        runCli(['build', '--sysroot', sysroot, '--kver', kver(), '-N', '-o', img, ...extra]);
        return runCli(['cat', img, '/etc/crypttab']);
      };
      const sd = crypttabOf('sd.img', ['--add', 'systemd-initrd']);
      expect(sd.split('\n')).toContain(`${entry},nofail`);
      expect(crypttabOf('shell.img', [])).toBe(sysrootTab);

      // the oracle: the sysroot's own systemd-cryptsetup-generator over the image's crypttab (the
      // build machine's command line has no rd.luks.uuid=, like a generic boot)
      const tab = join(dir, 'crypttab');
      const out = join(dir, 'generated');
      execFileSync('sh', ['-c', 'printf %s "$1" > "$2" && mkdir "$3"', 'sh', sd, tab, out]);
      execFileSync(join(sysroot, 'lib64/ld-linux-x86-64.so.2'), [
        '--library-path', `${join(sysroot, 'usr/lib/x86_64-linux-gnu')}:${join(sysroot, 'usr/lib/systemd')}`,
        join(sysroot, 'usr/lib/systemd/system-generators/systemd-cryptsetup-generator'), out, out, out,
      ], { env: { ...process.env, SYSTEMD_CRYPTTAB: tab } });
      const unit = readFileSync(join(out, 'systemd-cryptsetup@cryptnvme.service'), 'utf8');
      expect(unit).not.toMatch(/^Before=cryptsetup\.target$/m);
      expect(readdirSync(join(out, 'cryptsetup.target.wants'))).toEqual(['systemd-cryptsetup@cryptnvme.service']);
      expect(readdirSync(out)).not.toContain('cryptsetup.target.requires');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("Debian 13: the declared dlopen() libraries no feature asked for are notes (feature, priority, declarer)", () => {
    const k = trixieKernel();
    const sd = plan(k.sysroot, k.kver, ['--add', 'systemd-initrd']);
    const notes = sd.notes.filter((n) => n.text.startsWith('skipped dlopen library'));
    const esys = notes.find((n) => n.subject === 'libtss2-esys.so.0');
    expect(esys?.text).toMatch(/^skipped dlopen library libtss2-esys\.so\.0 \(feature tpm, priority suggested\) declared by \/usr\/lib\/x86_64-linux-gnu\/systemd\/libsystemd-shared-257\.so/);
    expect(esys?.reasons).toEqual(['feature systemd-initrd (dlopen = required, recommended)']);
    expect(notes.map((n) => n.subject)).toContain('libcryptsetup.so.12');
    // what was taken is not a note
    expect(notes.map((n) => n.subject)).not.toContain('libkmod.so.2');
    expect(sd.entries.some((e) => e.path.includes('libtss2-esys'))).toBe(false);
  });

  it('tpm2 on a sysroot without libtss2 stops the build (exit 13) and names the library, not at boot', () => {
    let err: { status?: number; stderr?: string } | undefined;
    try {
      runCli(['build', '--sysroot', buildSysroot(), '--kver', kver(), '-N', '--dry-run', '--add', 'systemd-initrd,tpm2']);
    } catch (e) {
      err = e as { status?: number; stderr?: string };
    }
    expect(err?.status).toBe(13);
    expect(String(err?.stderr)).toMatch(/feature tpm2 needs library libtss2-esys\.so\.0, which no library directory of \S+ has; install it/);
    // the oracle: the sysroot really has no libtss2 (dpkg says so too)
    expect(execFileSync('find', [buildSysroot(), '-name', 'libtss2-esys.so*'], { encoding: 'utf8' })).toBe('');
  });
});
