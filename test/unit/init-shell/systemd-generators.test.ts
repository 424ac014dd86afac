// The systemd-initrd feature's generators, run as systemd runs them (sh GENERATOR NORMAL EARLY LATE)
// under busybox in a fake root whose /proc/cmdline, /etc/cmdline.d and image.conf the test writes
// (no systemd-escape in it: the root device's unit name is escaped in the shell, checked against this
// machine's real systemd-escape, Debian 12's systemd 252 as in the images):
// mkinitramfs-ts-root-timeout lets the root device unit wait for ever and pulls in
// mkinitramfs-ts-root-wait.service, which counts rd.timeout= (else the image's root timeout, else 60 s)
// outside passphrase prompts (its script runs here too); mkinitramfs-ts-embedded-root mounts a root= that only
// the image's embedded command line names; mkinitramfs-ts-break places rd.break=STAGE shells.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { FakeRoot } from './fake-root.js';

const TIMEOUT_GEN = '/usr/lib/systemd/system-generators/mkinitramfs-ts-root-timeout';
const ROOT_WAIT = '/lib/mkinitramfs-ts/systemd-root-wait';
const ROOT_GEN = '/usr/lib/systemd/system-generators/mkinitramfs-ts-embedded-root';
const BREAK_GEN = '/usr/lib/systemd/system-generators/mkinitramfs-ts-break';
const OUT = '/run/systemd/generator';

let fr: FakeRoot | undefined;
afterEach(() => {
  fr?.cleanup();
  fr = undefined;
});

function make(cmdline: string, files: Record<string, string> = {}): FakeRoot {
  const r = FakeRoot.create();
  fr = r;
  r.file('/proc/cmdline', `${cmdline}\n`);
  r.file('/usr/lib/mkinitramfs-ts/systemd-root-unit.sh', readFileSync(join(BUILTIN_MODULES_D, 'systemd-initrd/root-unit.sh')));
  r.file(TIMEOUT_GEN, readFileSync(join(BUILTIN_MODULES_D, 'systemd-initrd/root-timeout-generator.sh')));
  r.file(ROOT_WAIT, readFileSync(join(BUILTIN_MODULES_D, 'systemd-initrd/root-wait.sh')));
  r.file(ROOT_GEN, readFileSync(join(BUILTIN_MODULES_D, 'systemd-initrd/embedded-root-generator.sh')));
  r.file(BREAK_GEN, readFileSync(join(BUILTIN_MODULES_D, 'systemd-initrd/break-generator.sh')));
  for (const [path, text] of Object.entries(files)) r.file(path, text);
  r.dir(OUT);
  return r;
}

/** Run a generator; every file it wrote, path (under the output folder) → content or link target. */
function run(r: FakeRoot, generator: string): Record<string, string> {
  const res = r.sh(`sh ${generator} ${OUT} ${OUT}-early ${OUT}-late`);
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const d of readdirSync(r.disk(`${OUT}/${rel}`), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(p);
      else if (d.isSymbolicLink()) out[p] = `-> ${execFileSync('readlink', [r.disk(`${OUT}/${p}`)], { encoding: 'utf8' }).trim()}`;
      else out[p] = readFileSync(r.disk(`${OUT}/${p}`), 'utf8');
    }
  };
  walk('');
  return out;
}

const UUID = '5a0e1c2d-0001-4c3b-9a8e-1f2d3c4b5a01';
const UUID_UNIT = `dev-disk-by\\x2duuid-${UUID.replace(/-/g, '\\x2d')}.device`;
const dropIn = (unit: string): string => `${unit}.d/40-mkinitramfs-ts-root-timeout.conf`;
const timeoutOf = (files: Record<string, string>, unit: string): string | undefined => /^JobRunningTimeoutSec=(.*)$/m.exec(files[dropIn(unit)] ?? '')?.[1];

const WAIT_LINK = 'initrd-root-device.target.requires/mkinitramfs-ts-root-wait.service';

describe('the root device unit name (systemd-root-unit.sh)', () => {
  it.each([
    `UUID=${UUID}`, 'LABEL=root', 'LABEL=my-root_2.0', 'LABEL=a+b=c@d#e:f', 'PARTUUID=0a1b2c3d-02', 'PARTLABEL=Linux-root',
    '/dev/vda1', '/dev/mapper/vg0-root', '/dev/mapper/luks-0a1b', '/dev/md/host:root', '/dev/disk/by-id/nvme-QEMU_NVMe_Ctrl_0001-part2',
    '/dev/disk/by-path/pci-0000:00:04.0-scsi-0:0:1:0-part1',
  ])('root=%s is named as systemd-escape --path --suffix=device names it', (root) => {
    const r = make('');
    const res = r.sh(`. /usr/lib/mkinitramfs-ts/systemd-root-unit.sh; root_unit '${root}' && printf '%s\\n%s\\n' "$ROOT_DEV" "$ROOT_UNIT"`);
    expect(res.status).toBe(0);
    const [dev, unit] = res.stdout.split('\n');
    expect(unit).toBe(execFileSync('systemd-escape', ['--path', '--suffix=device', dev as string], { encoding: 'utf8' }).trim());
  });

  it.each(['/dev/./sda', '/dev/sda/.', '/dev/sda/', 'LABEL=.hidden/./x'])('root=%s, whose path systemd would simplify, is left to systemd', (root) => {
    const r = make('');
    expect(r.sh(`. /usr/lib/mkinitramfs-ts/systemd-root-unit.sh; root_unit '${root}'`).status).toBe(1);
  });
});

describe('mkinitramfs-ts-root-timeout', () => {
  it.each([
    [`root=UUID=${UUID} rd.timeout=7`, {}, '7s'],
    [`root=UUID=${UUID} rootdelay=12`, {}, '12s'],
    [`root=UUID=${UUID} rd.timeout=0`, {}, 'for ever'],
    [`root=UUID=${UUID}`, {}, '60s'],
    [`root=UUID=${UUID}`, { '/etc/mkinitramfs-ts/image.conf': "ROOT_TIMEOUT='25'\n" }, '25s'],
    [`root=UUID=${UUID} rd.timeout=abc`, { '/etc/mkinitramfs-ts/image.conf': "ROOT_TIMEOUT='25'\n" }, '25s'],
  ])('%s %j: the device unit waits for ever; the wait service (%s) bounds it', (cmdline, files, said) => {
    const r = make(cmdline, files);
    const out = run(r, TIMEOUT_GEN);
    expect(timeoutOf(out, UUID_UNIT)).toBe('infinity');
    expect(out[WAIT_LINK]).toBe(said === 'for ever' ? undefined : '-> /usr/lib/systemd/system/mkinitramfs-ts-root-wait.service');
    expect(readFileSync(r.disk('/dev/kmsg'), 'utf8')).toContain(`waiting ${said} for the root device /dev/disk/by-uuid/${UUID}`);
  });

  it.each([
    ['root=/dev/vgroot/root', 'dev-vgroot-root.device'],
    ['root=/dev/mapper/vg-root', 'dev-mapper-vg\\x2droot.device'],
    ['root=/dev/md/root', 'dev-md-root.device'],
    ['root=LABEL=rootfs', 'dev-disk-by\\x2dlabel-rootfs.device'],
    ['root=PARTUUID=0d15c000-0000-4000-8000-000000000001', 'dev-disk-by\\x2dpartuuid-0d15c000\\x2d0000\\x2d4000\\x2d8000\\x2d000000000001.device'],
  ])('%s → the unit systemd-fstab-generator names: %s', (cmdline, unit) => {
    const files = run(make(`${cmdline} rd.timeout=9`), TIMEOUT_GEN);
    expect(Object.keys(files).sort()).toEqual([dropIn(unit), WAIT_LINK]);
    expect(timeoutOf(files, unit)).toBe('infinity');
  });

  it('root= embedded in the image counts too', () => {
    const r = make('quiet', { '/etc/cmdline.d/00-mkinitramfs-ts.conf': `root=UUID=${UUID} rootfstype=ext4\n` });
    expect(timeoutOf(run(r, TIMEOUT_GEN), UUID_UNIT)).toBe('infinity');
    expect(readFileSync(r.disk('/dev/kmsg'), 'utf8')).toContain('waiting 60s for the root device');
  });

  it.each(['', 'root=', 'root=nfs:1.2.3.4:/x', 'root=LABEL=a$(touch${IFS}/tmp/x)', 'root=LABEL=a\\x20b', 'root=/dev/../etc/x', 'root=8:1'])(
    '%j: nothing written (systemd keeps its own default), nothing run',
    (cmdline) => {
      const r = make(`${cmdline} rd.timeout=5`);
      expect(run(r, TIMEOUT_GEN)).toEqual({});
      expect(r.exists('/tmp/x')).toBe(false);
    },
  );
});

describe('mkinitramfs-ts-root-wait.service', () => {
  const DEV = `/dev/disk/by-uuid/${UUID}`;
  const ASK = '/run/systemd/ask-password/ask.x1Yz';

  it('fails when the root device is not there after rd.timeout= seconds', () => {
    const r = make(`root=UUID=${UUID} rd.timeout=1`);
    const res = r.sh(`sh ${ROOT_WAIT}`);
    expect(res.status).toBe(1);
    expect(res.stdout).toBe(`mkinitramfs-ts: the root device ${DEV} did not appear within 1s\n`);
  });

  it('succeeds as soon as the device is there; rd.timeout=0 and a root= it does not understand do not wait', () => {
    const r = make(`root=UUID=${UUID} rd.timeout=5`, { [DEV]: '' });
    expect(r.sh(`sh ${ROOT_WAIT}`)).toMatchObject({ status: 0, stdout: '' });
    expect(make(`root=UUID=${UUID} rd.timeout=0`).sh(`sh ${ROOT_WAIT}`).status).toBe(0);
    expect(make('root=nfs:1.2.3.4:/x rd.timeout=1').sh(`sh ${ROOT_WAIT}`).status).toBe(0);
  });

  it('does not count the time a passphrase prompt is up: the device that comes after rd.timeout= still counts', () => {
    const r = make(`root=UUID=${UUID} rd.timeout=1`, { [ASK]: '[Ask]\n' });
    // the prompt is answered after 3 s, and the device appears at once
    const res = r.sh(`mkdir -p ${DEV.replace(/\/[^/]*$/, '')}; ( sleep 3; touch ${DEV}; rm -f ${ASK} ) & sh ${ROOT_WAIT}; echo "status $?"; wait`);
    expect(res.stdout).toBe('status 0\n');
    expect(readFileSync(r.disk('/dev/kmsg'), 'utf8')).toContain(`a passphrase is asked for: the wait for the root device ${DEV} pauses`);
  });
});

describe('mkinitramfs-ts-embedded-root', () => {
  const EMBEDDED = { '/etc/cmdline.d/00-mkinitramfs-ts.conf': `root=UUID=${UUID} rootfstype=btrfs rootflags=subvol=@\n` };

  it('mounts the embedded root on /sysroot after its fsck, and requires its device', () => {
    const files = run(make('quiet', EMBEDDED), ROOT_GEN);
    expect(Object.keys(files).sort()).toEqual([`initrd-root-device.target.requires/${UUID_UNIT}`, 'initrd-root-fs.target.requires/sysroot.mount', 'sysroot.mount', 'systemd-fsck-root.service']);
    expect(files['sysroot.mount']).toMatch(new RegExp(`^What=/dev/disk/by-uuid/${UUID}\nWhere=/sysroot\nType=btrfs\nOptions=ro,subvol=@$`, 'm'));
    expect(files['sysroot.mount']).toMatch(/^Requires=systemd-fsck-root\.service$/m);
    expect(files['systemd-fsck-root.service']).toMatch(new RegExp(`^ExecStart=/usr/lib/systemd/systemd-fsck /dev/disk/by-uuid/${UUID}$`, 'm'));
    expect(files['systemd-fsck-root.service']).toContain(`BindsTo=${UUID_UNIT}`);
    expect(files['initrd-root-fs.target.requires/sysroot.mount']).toBe('-> ../sysroot.mount');
  });

  it('rw, no rootfstype: mounted rw with type auto', () => {
    const files = run(make('rw', { '/etc/cmdline.d/00-mkinitramfs-ts.conf': `root=/dev/vgroot/root\n` }), ROOT_GEN);
    expect(files['sysroot.mount']).toMatch(/^What=\/dev\/vgroot\/root\nWhere=\/sysroot\nType=auto\nOptions=rw$/m);
  });

  it("a root= on the kernel's command line is systemd-fstab-generator's: nothing written", () => {
    expect(run(make(`root=UUID=${UUID}`, EMBEDDED), ROOT_GEN)).toEqual({});
  });

  it('no root= anywhere: nothing written', () => {
    expect(run(make('quiet'), ROOT_GEN)).toEqual({});
  });

  it.each(['rootflags=subvol=%n', 'rootflags=a\\nb', 'rootfstype=ext4;x'])('embedded %s cannot reach a unit line: nothing written', (extra) => {
    const files = run(make('quiet', { '/etc/cmdline.d/00-mkinitramfs-ts.conf': `root=UUID=${UUID} ${extra}\n` }), ROOT_GEN);
    expect(files).toEqual({});
  });
});

describe('mkinitramfs-ts-break', () => {
  const order = (unit: string | undefined): [string, string] => [/^After=(.*)$/m.exec(unit ?? '')?.[1] ?? '', /^Before=(.*)$/m.exec(unit ?? '')?.[1] ?? ''];

  it('rd.break=pre-mount: a console shell after the root device and its fsck, before sysroot.mount, wanted by initrd.target', () => {
    const files = run(make('rd.break=pre-mount'), BREAK_GEN);
    expect(Object.keys(files).sort()).toEqual(['initrd.target.wants/mkinitramfs-ts-break-pre-mount.service', 'mkinitramfs-ts-break-pre-mount.service']);
    const unit = files['mkinitramfs-ts-break-pre-mount.service'];
    expect(order(unit)).toEqual(['initrd-root-device.target systemd-fsck-root.service', 'sysroot.mount']);
    expect(unit).toMatch(/^ExecStart=\/bin\/sh \/lib\/mkinitramfs-ts\/systemd-break pre-mount$/m);
    expect(unit).toMatch(/^StandardInput=tty-force$/m);
  });

  it('rd.break alone is pre-pivot: after the root and /usr are mounted, before initrd.target and the cleanup', () => {
    const files = run(make('rd.break'), BREAK_GEN);
    expect(order(files['mkinitramfs-ts-break-pre-pivot.service'])).toEqual(['initrd-root-fs.target initrd-fs.target', 'initrd.target initrd-cleanup.service']);
  });

  it('several stages; an unknown one is skipped; nothing from the value is run', () => {
    const r = make('rd.break=mount,$(touch${IFS}/tmp/x),bogus');
    const files = run(r, BREAK_GEN);
    expect(Object.keys(files).filter((p) => !p.includes('/'))).toEqual(['mkinitramfs-ts-break-mount.service']);
    expect(order(files['mkinitramfs-ts-break-mount.service'])).toEqual(['sysroot.mount', 'initrd-root-fs.target']);
    expect(r.exists('/tmp/x')).toBe(false);
  });

  it('no rd.break: nothing written', () => {
    expect(run(make('root=/dev/vda quiet'), BREAK_GEN)).toEqual({});
  });
});
