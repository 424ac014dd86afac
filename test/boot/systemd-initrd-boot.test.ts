// systemd as PID 1 of the image (--add systemd-initrd): a generic image boots the real kernel into a
// real systemd root on virtio-blk, root=UUID=. Debian 12's systemd 252 (libraries linked), then
// Debian 13's systemd 257, which loads libkmod with dlopen() (from its .note.dlopen): without that
// library udevd loads no driver and the root never appears. Markers, never timings.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { systemdRootDisk } from '../support/disks.js';
import { buildSysroot, kernelImage, kver, trixieKernel, trixieRoot } from '../support/fixtures.js';
import { bootVm, type BootResult } from '../support/qemu.js';

const BOOT_TIMEOUT = 300_000;
const REACHED = /MARKER:systemd multi-user reached/;
/** systemd as PID 1 of the image: it knows it runs in an initrd, mounts root= on /sysroot, switches root. */
const IN_INITRD = /systemd\[1\]: Running in initrd\./;
const ROOT_MOUNTED = /Reached target .*Initrd Root File System/;
const SWITCHED = /initrd-switch-root\.service: Deactivated successfully/;

function image(sysroot: string, kernelVersion: string, name: string): string {
  const out = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-')), `${name}.img`);
  runCli(['build', '--sysroot', sysroot, '--kver', kernelVersion, '-N', '--add', 'systemd-initrd', '--compress', 'zstd', '-o', out]);
  const listing = runCli(['ls', out]);
  expect(listing).toMatch(/^l\S+\s.* init -> usr\/lib\/systemd\/systemd$/m);
  return out;
}

function expectSystemdInitrd(r: BootResult, version: RegExp): void {
  if (!r.matched) console.log(r.log.slice(-8000));
  expect(r.matched).toBe(true);
  const log = r.log;
  // systemd ran inside the image (its initrd targets), switched root, and the real root's systemd reached its marker
  expect(log).toMatch(/Run \/init as init process/);
  expect(log).toMatch(IN_INITRD);
  expect(log).toMatch(ROOT_MOUNTED);
  expect(log).toMatch(SWITCHED);
  expect(log).toMatch(version);
  // the coldplug leaves out CPU devices, yet the root's ext4 (metadata_csum) got the accelerated crc32c
  expect(log).toMatch(/MARKER-CRYPTO: crc32c in use: crc32c-intel/);
  expect(log).not.toMatch(/MARKER-CRYPTO: crc32c in use: crc32c-generic/);
  expect(log).not.toMatch(/mkinitramfs-ts: handing over to systemd/); // not the shell /init
  const at = (re: RegExp): string => `${((r.timeline.find((t) => t.label === re.source)?.ms ?? Number.NaN) / 1000).toFixed(1)} s`;
  console.log(`systemd-initrd boot, ${String(version)} (${r.accel}): root mounted at ${at(ROOT_MOUNTED)}, marker at ${at(REACHED)} after qemu start`);
}

let image252: string | undefined;
const image252Once = (): string => (image252 ??= image(buildSysroot(), kver(), 'systemd-initrd-252'));

describe.concurrent('systemd as the initramfs PID 1 (--add systemd-initrd)', () => {
  it("Debian 12's systemd 252: virtio-blk, root=UUID=, into the real root's systemd", async () => {
    const img = image252Once();
    const uuid = '5e7d0000-0000-4000-8000-000000002521';
    const disk = await systemdRootDisk({ uuid, label: 'sdinitrd252' });
    const r = await bootVm({ kernel: kernelImage(), initrd: img, append: `root=UUID=${uuid}`, disks: [{ file: disk, bus: 'virtio-blk' }], until: [REACHED], watch: [ROOT_MOUNTED], timeoutMs: BOOT_TIMEOUT });
    expectSystemdInitrd(r, /systemd 252/);
  }, BOOT_TIMEOUT + 60_000);

  it('a wrong root=UUID ends on emergency.target with the plain-words report; rd.shell=0 reboots, no shell', async () => {
    const img = image252Once();
    const uuid = '5e7d0000-0000-4000-8000-000000002529';
    const disk = await systemdRootDisk({ uuid, label: 'sdinitrd252' });
    const wrong = '00000000-0000-0000-0000-000000000000';
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: img,
      // systemd-fstab-generator's device timeout from rootflags= wins over the image's rd.timeout= wait
      append: `root=UUID=${wrong} rootflags=x-systemd.device-timeout=15 rd.shell=0`,
      disks: [{ file: disk, bus: 'virtio-blk' }],
      until: [new RegExp(`mkinitramfs-ts: cannot boot: no device matched root=UUID=${wrong}`), /rd\.shell=0: rebooting/],
      failOn: [REACHED, /Give root password|root account is locked|Press Enter for maintenance/],
      watch: [/Timed out waiting for device/, IN_INITRD],
      timeoutMs: BOOT_TIMEOUT,
      graceMs: 20_000,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(IN_INITRD);
    expect(r.log).toMatch(/block devices seen:\s+\/dev\/vda .*LABEL="sdinitrd252"/);
    // it rebooted (qemu -no-reboot exits) instead of opening emergency.service's shell
    expect(r.exitCode).toBe(0);
    console.log(r.timeline.map((t) => `${(t.ms / 1000).toFixed(1)} s ${t.label}`).join('\n'));
  }, BOOT_TIMEOUT + 60_000);

  it('a wrong root=UUID without rd.shell=0 gives the emergency shell, with no password asked', async () => {
    const img = image252Once();
    const uuid = '5e7d0000-0000-4000-8000-00000000252a';
    const disk = await systemdRootDisk({ uuid, label: 'sdinitrd252' });
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: img,
      append: 'root=UUID=00000000-0000-0000-0000-000000000000 rootflags=x-systemd.device-timeout=15',
      disks: [{ file: disk, bus: 'virtio-blk' }],
      until: [/mkinitramfs-ts: cannot boot: no device matched/, /^SHELL-42$/m],
      failOn: [REACHED, /Give root password|Login incorrect/],
      input: [
        { when: /press Control-D to continue\): $/m, send: '\n' },
        // busybox ash as root in HOME=/root; its line editing asks for the cursor position after the prompt
        { when: /^~ # /m, send: 'echo SHELL-$((6*7)); poweroff -f\n' },
      ],
      timeoutMs: 150_000,
    });
    if (!r.matched) console.log(r.log.slice(-5000));
    expect(r.matched).toBe(true);
  }, BOOT_TIMEOUT + 60_000);

  it("Debian 13's systemd 257 (libkmod by dlopen): virtio-blk, root=UUID=, into the real root's systemd", async () => {
    const k = trixieKernel();
    const img = image(k.sysroot, k.kver, 'systemd-initrd-257');
    const listing = runCli(['ls', img]);
    expect(listing).toMatch(/libkmod\.so\.2/);
    const uuid = '5e7d0000-0000-4000-8000-000000002571';
    const disk = await systemdRootDisk({ uuid, label: 'sdinitrd257', base: trixieRoot() });
    const r = await bootVm({ kernel: k.image, initrd: img, append: `root=UUID=${uuid}`, disks: [{ file: disk, bus: 'virtio-blk' }], until: [REACHED], watch: [ROOT_MOUNTED], timeoutMs: BOOT_TIMEOUT });
    expectSystemdInitrd(r, /systemd 257/);
  }, BOOT_TIMEOUT + 120_000);
});
