// More network roots under QEMU (issue 14): LUKS2 on NBD — qemu-nbd serves the storage matrix's LUKS2
// disk (GPT, partition 1 a LUKS2 container holding the systemd root) on this machine's loopback, the guest
// attaches it with `netroot=nbd:10.0.2.2:PORT` after `ip=dhcp`, the crypt feature opens nbd0p1 with the
// passphrase typed on the console and root=UUID= of the file system inside boots systemd.
// Debian 13's 6.12 kernel (every module .ko.xz) with `ip=dhcp root=nbd:` into Debian 13's systemd 257
// root served the same way; the image is built on Debian 12's network sysroot (nbd-client) with that kernel.
// Host-only over NBD: the capture root, booted over NBD with the generic image, records the machine from
// inside (capture-host); a host-only image built from that capture finds the root's server (nbd-root.ts)
// and boots the same machine with no root= on the command line (it embedded root=nbd:SERVER:PORT:ext4).
// The same for LUKS2 on NBD: the storage root inside the LUKS2 disk, served by qemu-nbd, captured from
// inside (node and the runtime from the tools disk); the image embeds netroot=nbd: + root=UUID= +
// rd.luks.uuid= and boots it with no root= (the passphrase typed on the console).
// Traffic stays on this machine; markers printed by the booted system, never timings.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { CAPTURE_FAILED, CAPTURE_SERIAL, CAPTURE_WRITTEN, captureRootDisk } from '../support/capture/capture-root.js';
import { blankDisk, runCliAsync } from '../support/capture/capture-vm.js';
import { systemdRootDisk } from '../support/disks.js';
import { kernelImage, kver, netSysroot, trixieKernel, trixieRoot } from '../support/fixtures.js';
import { serveNbd, type NbdServer } from '../support/nbd-server.js';
import { bootVm, markerMs } from '../support/qemu.js';
import { STORAGE_RECIPE as R } from '../support/storage/recipe.js';
import { storageDisks } from '../support/storage/storage-disks.js';
import { captureStorage } from '../support/storage-capture/capture-storage.js';
import { toolsDisk } from '../support/storage-capture/tools-disk.js';
import { sysrootWithKernel } from '../support/sysroot-with-kernel.js';

const BOOT_TIMEOUT = 300_000;
const NIC = ['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0'];
const REACHED = /MARKER:systemd multi-user reached/;
let image = '';
const servers: NbdServer[] = [];

beforeAll(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-')), 'net-more.img');
  runCli(['build', '--sysroot', netSysroot(), '--kver', kver(), '-o', out, '-N', '-a', 'network,nbd', '--compress', 'zstd']);
  image = out;
}, 60 * 60_000);

afterAll(() => {
  for (const s of servers) s.stop();
});

describe('more network roots', () => {
  it('the network image carries the crypt feature next to network and nbd', () => {
    const conf = runCli(['cat', image, '/etc/mkinitramfs-ts/image.conf']);
    const features = /IMAGE_FEATURES='([^']*)'/.exec(conf)?.[1]?.split(' ') ?? [];
    expect(features).toEqual(expect.arrayContaining(['network', 'nbd', 'crypt']));
  });

  it('LUKS2 on NBD: netroot=nbd: attaches, the passphrase typed on the console opens nbd0p1, root=UUID= boots systemd', async () => {
    const disks = await storageDisks();
    const srv = await serveNbd(disks.luks);
    servers.push(srv);
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, extraArgs: NIC,
      append: `ip=dhcp netroot=nbd:10.0.2.2:${srv.port} rd.luks.uuid=luks-${R.luks.luksUuid} root=UUID=${R.luks.fsUuid}`,
      input: [{ when: /Enter passphrase for \/dev\/nbd0p1/, send: `${R.passphrase}\n` }],
      until: [REACHED], failOn: [/MARKER:systemd multi-user NOT reached/, /cannot boot:/],
      watch: [/network: eth0 10\.0\.2\.15/, /nbd: \/dev\/nbd0 is/, /Enter passphrase for/],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(new RegExp(`nbd: /dev/nbd0 is 10\\.0\\.2\\.2:${srv.port}`));
    expect(r.log).toMatch(new RegExp(`/dev/nbd0p1 \\(UUID=${R.luks.luksUuid}\\) is encrypted: type its passphrase`));
    expect(r.log).not.toContain(R.passphrase);
    expect(r.log).toMatch(/handing over to systemd/);
    console.log(`luks-on-nbd boot: lease at ${markerMs(r, /network: eth0 10\.0\.2\.15/)} ms, nbd attached at ${markerMs(r, /nbd: \/dev\/nbd0 is/)} ms, prompt at ${markerMs(r, /Enter passphrase for/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 30_000);

  it('Debian 13: the 6.12 kernel (.ko.xz) with ip=dhcp root=nbd: boots the systemd 257 root over NBD', async () => {
    const k = trixieKernel();
    const out = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-')), 'net-k612.img');
    runCli(['build', '--sysroot', sysrootWithKernel(netSysroot(), k, 'sysroot-net-k6.12'), '--kver', k.kver, '-o', out, '-N', '-a', 'network,nbd', '--compress', 'zstd']);
    // modules go in decompressed (Debian 12's busybox modprobe cannot read .ko.xz), nbd and virtio_net among them
    const files = runCli(['ls', out]);
    expect(files).not.toMatch(/\.ko\.xz\n/);
    expect(files).toMatch(/\/nbd\.ko\n/);
    const uuid = '6c1f0000-0000-4000-8000-000000001401';
    const disk = await systemdRootDisk({ uuid, label: 'trixienbd', base: trixieRoot() });
    const srv = await serveNbd(disk);
    servers.push(srv);
    const r = await bootVm({
      kernel: k.image, initrd: out, extraArgs: NIC, append: `ip=dhcp root=nbd:10.0.2.2:${srv.port}`,
      until: [REACHED], failOn: [/MARKER:systemd multi-user NOT reached/, /cannot boot:/],
      watch: [/network: eth0 10\.0\.2\.15/, /nbd: \/dev\/nbd0 is/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toContain(`Linux version ${k.kver} `);
    expect(r.log).toMatch(/systemd 257/);
    expect(r.log).toMatch(/network: eth0 10\.0\.2\.15\/24 via 10\.0\.2\.2 \(DHCP from 10\.0\.2\.2/);
    expect(r.log).toMatch(new RegExp(`nbd: /dev/nbd0 is 10\\.0\\.2\\.2:${srv.port}`));
    expect(r.log.split('\n').filter((l) => /Invalid ELF header|cannot load module|Unknown symbol/.test(l))).toEqual([]);
    console.log(`6.12 nbd boot: lease at ${markerMs(r, /network: eth0 10\.0\.2\.15/)} ms, nbd attached at ${markerMs(r, /nbd: \/dev\/nbd0 is/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 120_000);

  it('host-only: captured from inside over NBD, the image embeds root=nbd:SERVER:PORT:ext4 and boots the machine with no root=', async () => {
    const work = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-nbd-hostonly-'));
    const srv = await serveNbd(await captureRootDisk({ uuid: '6c1f0000-0000-4000-8000-000000001402', label: 'nbdcapture' }));
    servers.push(srv);
    // the capture root, booted over NBD with the generic image, records /sys and /proc onto the disk with serial "capture"
    const capture = blankDisk(join(work, 'capture.raw'));
    const cap = await bootVm({
      kernel: kernelImage(), initrd: image, append: `ip=dhcp root=nbd:10.0.2.2:${srv.port} mkinitramfs_ts.capture=1`,
      extraArgs: [...NIC, '-drive', `file=${capture},if=none,id=cap,format=raw`, '-device', `virtio-blk-pci,drive=cap,serial=${CAPTURE_SERIAL}`],
      until: [CAPTURE_WRITTEN], failOn: [CAPTURE_FAILED, /MARKER:systemd multi-user/, /cannot boot:/], timeoutMs: 420_000, graceMs: 30_000,
    });
    if (!cap.matched) console.log(cap.log.slice(-6000));
    expect(cap.matched).toBe(true);
    const captured = join(work, 'captured');
    mkdirSync(captured);
    await new Promise<void>((resolve, reject) => execFile('tar', ['-xf', capture, '-C', captured], (e) => (e ? reject(e) : resolve())));

    const hostImage = join(work, 'hostonly.img');
    const flags = ['-H', '--sysroot', netSysroot(), '--kver', kver(), '--sysfs', join(captured, 'sys'), '--procfs', join(captured, 'proc')];
    const built = await runCliAsync(['build', ...flags, '-o', hostImage, '--compress', 'zstd']);
    expect(built.code).toBe(0);
    expect(built.stderr.split('\n').filter((l) => l !== '' && !/warning: firmware '[^']+' for module \w+ not found|^mkinitramfs-ts: wrote /.test(l))).toEqual([]);
    console.log(/^mkinitramfs-ts: wrote .*/m.exec(built.stderr)?.[0]);
    const record = JSON.parse(runCli(['cat', hostImage, '/etc/mkinitramfs-ts/host.json'])) as { cmdline: string; facts: { nbd?: { server: string; port: number; source: string } } };
    expect(record.cmdline).toBe(`root=nbd:10.0.2.2:${srv.port}:ext4`);
    expect(record.facts.nbd).toMatchObject({ server: '10.0.2.2', port: srv.port });
    console.log(`nbd host-only: server found by ${record.facts.nbd?.source}`);
    // why nbd-client, the nbd driver and the card's driver are in the image
    const why = await runCliAsync(['explain', ...flags, 'nbd', 'virtio_net', '/usr/sbin/nbd-client']);
    expect(why.stdout).toMatch(/^nbd ← feature nbd \(detected on the host\)$/m);
    expect(why.stdout).toMatch(new RegExp(`^nbd ← NBD device nbd0 from 10\\.0\\.2\\.2:${srv.port} .* ← / \\(ext4 UUID=6c1f0000-0000-4000-8000-000000001402\\)$`, 'm'));
    expect(why.stdout).toMatch(new RegExp(`^virtio_net ← .* ← eth0 ← route .* ← root server 10\\.0\\.2\\.2 \\(root=nbd:10\\.0\\.2\\.2:${srv.port}:ext4\\)`, 'm'));
    expect(why.stdout).toMatch(/^\/usr\/sbin\/nbd-client ← binary requested \(feature nbd\)$/m);
    const files = runCli(['ls', hostImage]).split('\n');
    const modules = files.filter((f) => f.endsWith('.ko'));
    expect(modules.some((f) => f.endsWith('/nbd.ko'))).toBe(true);
    // the card on the route, not the network feature's generic list
    expect(modules.filter((f) => /\/(e1000e?|igb|r8169|tg3|vmxnet3|ixgbe)\.ko$/.test(f))).toEqual([]);

    const r = await bootVm({
      kernel: kernelImage(), initrd: hostImage, extraArgs: NIC, append: '',
      until: [REACHED], failOn: [/MARKER:systemd multi-user NOT reached/, /cannot boot:/],
      watch: [/network: eth0 10\.0\.2\.15/, /nbd: \/dev\/nbd0 is/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/mkinitramfs-ts: kernel \S+, image for \S+ \(host-only\)/);
    expect(r.log).toMatch(/network: eth0 10\.0\.2\.15\/24 via 10\.0\.2\.2 \(DHCP from 10\.0\.2\.2/);
    expect(r.log).toMatch(new RegExp(`nbd: /dev/nbd0 is 10\\.0\\.2\\.2:${srv.port}`));
    console.log(
      `nbd host-only boot: capture ${cap.durationMs} ms; image ${statSync(hostImage).size} bytes, ${modules.length} modules (generic ${runCli(['ls', image]).split('\n').filter((f) => f.endsWith('.ko')).length}, ${statSync(image).size} bytes); ` +
        `lease at ${markerMs(r, /network: eth0 10\.0\.2\.15/)} ms, nbd attached at ${markerMs(r, /nbd: \/dev\/nbd0 is/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`,
    );
  }, 1_200_000);

  it('host-only, LUKS2 on NBD: captured from inside, the image embeds netroot=nbd: + root=UUID= + rd.luks.uuid= and boots with no root=', async () => {
    const disks = await storageDisks();
    const srv = await serveNbd(disks.luks);
    servers.push(srv);
    const luksUuid = R.luks.luksUuid;
    const typed = { when: /Enter passphrase for \/dev\/nbd0p1/, send: `${R.passphrase}\n` };
    // captureStorage's boot, with the NIC and the passphrase: the storage root over NBD records the machine
    const captured = await captureStorage({
      name: 'luks-nbd', disks: [], image, tools: await toolsDisk(),
      append: `ip=dhcp netroot=nbd:10.0.2.2:${srv.port} rd.luks.uuid=luks-${luksUuid} root=UUID=${R.luks.fsUuid}`,
      extraArgs: NIC, input: [typed],
    });
    const hostImage = join(captured.work, 'luks-nbd-hostonly.img');
    const flags = ['-H', '--sysroot', netSysroot(), '--kver', kver(), '--sysfs', join(captured.dir, 'sys'), '--procfs', join(captured.dir, 'proc')];
    const built = await runCliAsync(['build', ...flags, '-o', hostImage, '--compress', 'zstd']);
    expect(built.code).toBe(0);
    console.log(/^mkinitramfs-ts: wrote .*/m.exec(built.stderr)?.[0]);
    const record = JSON.parse(runCli(['cat', hostImage, '/etc/mkinitramfs-ts/host.json'])) as { cmdline: string; facts: { nbd?: { source: string } } };
    expect(record.cmdline.split(' ').sort()).toEqual([`netroot=nbd:10.0.2.2:${srv.port}`, `rd.luks.uuid=${luksUuid}`, `root=UUID=${R.luks.fsUuid}`, 'rootfstype=ext4'].sort());
    console.log(`luks-on-nbd host-only: server found by ${record.facts.nbd?.source}`);
    const why = await runCliAsync(['explain', ...flags, 'nbd', 'dm_crypt']);
    expect(why.stdout).toMatch(/^nbd ← NBD device nbd0 from 10\.0\.2\.2:\d+ .* ← \/ \(ext4 UUID=/m);
    expect(why.stdout).toMatch(/^dm_crypt ← dm-crypt \S+ ← .*\/ \(ext4 UUID=/m);
    const modules = runCli(['ls', hostImage]).split('\n').filter((f) => f.endsWith('.ko'));

    const r = await bootVm({
      kernel: kernelImage(), initrd: hostImage, extraArgs: NIC, append: '', input: [typed],
      until: [REACHED], failOn: [/MARKER:systemd multi-user NOT reached/, /cannot boot:/],
      watch: [/network: eth0 10\.0\.2\.15/, /nbd: \/dev\/nbd0 is/, /Enter passphrase for/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/mkinitramfs-ts: kernel \S+, image for \S+ \(host-only\)/);
    expect(r.log).toMatch(new RegExp(`nbd: /dev/nbd0 is 10\\.0\\.2\\.2:${srv.port}`));
    expect(r.log).toMatch(new RegExp(`/dev/nbd0p1 \\(UUID=${luksUuid}\\) is encrypted: type its passphrase`));
    console.log(
      `luks-on-nbd host-only boot: capture ${captured.boot.durationMs} ms; image ${statSync(hostImage).size} bytes, ${modules.length} modules; ` +
        `nbd attached at ${markerMs(r, /nbd: \/dev\/nbd0 is/)} ms, prompt at ${markerMs(r, /Enter passphrase for/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`,
    );
  }, 1_200_000);
});
