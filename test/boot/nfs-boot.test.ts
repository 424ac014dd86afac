// NFS roots under QEMU, as dracut's test suite boots them: a server VM runs the kernel's nfsd (the test
// bed's Debian kernel, nfs-kernel-server's rpcbind, rpc.mountd and rpc.nfsd from the rootfs-nfs fixture)
// and exports the systemd root tree; client VMs join it over QEMU socket networking on this machine's
// loopback, with static ip= on both ends (server 10.0.3.1, client 10.0.3.2). One server serves every
// cell, one client at a time. The generic image with the nfs feature (mount.nfs from the sysroot's
// nfs-common) boots the systemd root over NFSv3 and over NFSv4; a wrong export ends in the failure
// report, which names the network's links, addresses and routes, within the timeout; root=dhcp takes
// the root-path of the lease the server's busybox udhcpd hands out. Host-only: the capture root booted
// over NFS records the machine from inside (capture-host), a host-only image is built from that
// capture, and it boots the same machine with no root= on the command line (it embedded root=nfs:…).
// Traffic stays on this machine.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { freePort } from '../support/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { CAPTURE_FAILED, CAPTURE_SERIAL, CAPTURE_WRITTEN, captureRootDisk } from '../support/capture/capture-root.js';
import { blankDisk, runCliAsync } from '../support/capture/capture-vm.js';
import { systemdRootDisk } from '../support/disks.js';
import { kernelImage, kver, nfsSysroot } from '../support/fixtures.js';
import { CAPTURE_EXPORT, EXPORT, SERVER_IP, startNfsServer, type NfsServer } from '../support/nfs-server.js';
import { bootVm, markerMs } from '../support/qemu.js';

const BOOT_TIMEOUT = 300_000;
const CLIENT_MAC = '52:54:00:0f:00:02';
const CLIENT_IP = `ip=10.0.3.2:::255.255.255.0:nfsclient:eth0:none`;
let image = '';
let work = '';
let server: NfsServer | undefined;
const NO_ROOT_FSTAB = '# / is on NFS, mounted by the initramfs\n';

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-img-'));
  work = dir;
  image = join(dir, 'nfs.img');
  runCli(['build', '--sysroot', nfsSysroot(), '--kver', kver(), '-o', image, '-N', '-a', 'nfs', '--compress', 'zstd']);
  // the server boots a generic image of ours too, with nfsd and the NIC's driver added
  const serverImage = join(dir, 'server.img');
  runCli(['build', '--sysroot', nfsSysroot(), '--kver', kver(), '-o', serverImage, '-N', '--add-drivers', 'nfsd', '--add-drivers', 'virtio_net', '--compress', 'zstd']);
  // the root mounted by the initramfs is the one systemd keeps: no fstab line for / to remount or check
  const exportDisk = await systemdRootDisk({ uuid: '7a0e4c2d-5b6f-4a8e-9c1d-2e3f4a5b6c71', label: 'nfsexport', fstab: NO_ROOT_FSTAB });
  const captureDisk = await captureRootDisk({ uuid: '7a0e4c2d-5b6f-4a8e-9c1d-2e3f4a5b6c72', label: 'nfscapture', fstab: NO_ROOT_FSTAB });
  server = await startNfsServer({ kernel: kernelImage(), initrd: serverImage, exportDisk, captureDisk, port: await freePort(), timeoutMs: 240_000 });
}, 900_000);

afterAll(async () => {
  const r = await server?.stop();
  if (r) console.log(`nfs server VM ran ${r.durationMs} ms; ready at ${markerMs(r, /NFS-SERVER: ready/)} ms`);
});

describe('NFS roots', () => {
  it('root=nfs:SERVER:/PATH (NFSv3, nolock) boots the systemd root', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `${CLIENT_IP} root=nfs:${SERVER_IP}:${EXPORT} rw`,
      extraArgs: server!.clientNic(CLIENT_MAC),
      until: [/MARKER:systemd multi-user reached/], watch: [/nfs: \S+ mounted on/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/network: eth0 10\.0\.3\.2\/24 \(static\)/);
    expect(r.log).toMatch(new RegExp(`nfs: ${SERVER_IP}:${EXPORT} mounted on /sysroot \\(NFSv3, rw,vers=3,nolock,retry=0\\)`));
    expect(r.log).toMatch(new RegExp(`MARKER-STATE: system=\\S+ root=${SERVER_IP}:${EXPORT}\\s+nfs\\s+rw,.*vers=3`));
    console.log(/MARKER-STATE: .*/.exec(r.log)?.[0]);
    console.log(`nfs v3 boot: root mounted at ${markerMs(r, /nfs: \S+ mounted on/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 30_000);

  it('root=nfs4:SERVER:/PATH (NFSv4) boots the systemd root', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `${CLIENT_IP} root=nfs4:${SERVER_IP}:${EXPORT} rw`,
      extraArgs: server!.clientNic(CLIENT_MAC),
      until: [/MARKER:systemd multi-user reached/], watch: [/nfs: \S+ mounted on/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(new RegExp(`nfs: ${SERVER_IP}:${EXPORT} mounted on /sysroot \\(NFSv4, rw,vers=4,retry=0\\)`));
    expect(r.log).toMatch(new RegExp(`MARKER-STATE: system=\\S+ root=${SERVER_IP}:${EXPORT}\\s+nfs4\\s+rw,.*vers=4`));
    console.log(`nfs v4 boot: root mounted at ${markerMs(r, /nfs: \S+ mounted on/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 30_000);

  it("ip=dhcp root=dhcp: the lease's root-path (nfs4:SERVER:/PATH, option 17) boots the systemd root", async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: 'ip=dhcp root=dhcp rw',
      extraArgs: server!.clientNic(CLIENT_MAC),
      until: [/MARKER:systemd multi-user reached/], watch: [/nfs: \S+ mounted on/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/network: eth0 10\.0\.3\.1\d\d\/24 \(DHCP from 10\.0\.3\.1,/);
    expect(r.log).toMatch(new RegExp(`nfs: ${SERVER_IP}:${EXPORT} mounted on /sysroot \\(NFSv4, rw,vers=4,retry=0\\)`));
    console.log(`nfs root=dhcp boot: root mounted at ${markerMs(r, /nfs: \S+ mounted on/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 30_000);

  it('a wrong export ends in the failure report naming the server, the error and the network (rd.shell=0)', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image, append: `${CLIENT_IP} root=nfs:${SERVER_IP}:/srv/nothing rd.timeout=20 rd.shell=0`,
      extraArgs: server!.clientNic(CLIENT_MAC),
      until: [new RegExp(`cannot boot: nfs: no NFS root from ${SERVER_IP}:/srv/nothing after 20s: .*mount\\.nfs`), /rd\.shell=0: rebooting/],
      failOn: [/MARKER:systemd/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    console.log(`wrong export: ${/cannot boot: .*/.exec(r.log)?.[0] ?? ''} (report at ${r.durationMs} ms)`);
    expect(r.log).toMatch(/nfs: cannot mount 10\.0\.3\.1:\/srv\/nothing: .*(access denied|No such file)/);
    expect(r.log).toMatch(/network \(links, addresses, routes, DNS, DHCP leases\):/);
    expect(r.log).toMatch(/addr: \d+: eth0 +inet 10\.0\.3\.2\/24/);
    expect(r.log).toMatch(/route: 10\.0\.3\.0\/24 dev eth0/);
  }, BOOT_TIMEOUT + 30_000);

  it('host-only: captured from inside over NFS, the image embeds root=nfs:… and boots the machine with no root=', async () => {
    // the capture root, booted over NFS with the generic image, records /sys and /proc onto the disk with serial "capture"
    const capture = blankDisk(join(work, 'capture.raw'));
    const cap = await bootVm({
      kernel: kernelImage(), initrd: image, append: `${CLIENT_IP} root=nfs:${SERVER_IP}:${CAPTURE_EXPORT} rw mkinitramfs_ts.capture=1`,
      extraArgs: [...server!.clientNic(CLIENT_MAC), '-drive', `file=${capture},if=none,id=cap,format=raw`, '-device', `virtio-blk-pci,drive=cap,serial=${CAPTURE_SERIAL}`],
      until: [CAPTURE_WRITTEN], failOn: [CAPTURE_FAILED, /MARKER:systemd multi-user/], timeoutMs: 420_000, graceMs: 30_000,
    });
    if (!cap.matched) console.log(cap.log.slice(-6000));
    expect(cap.matched).toBe(true);
    const captured = join(work, 'captured');
    mkdirSync(captured);
    await new Promise<void>((resolve, reject) => execFile('tar', ['-xf', capture, '-C', captured], (e) => (e ? reject(e) : resolve())));

    const hostImage = join(work, 'hostonly.img');
    const flags = ['-H', '--sysroot', nfsSysroot(), '--kver', kver(), '--sysfs', join(captured, 'sys'), '--procfs', join(captured, 'proc')];
    const built = await runCliAsync(['build', ...flags, '-o', hostImage, '--compress', 'zstd']);
    // only firmware warnings (of drivers the sysroot's firmware does not cover) may be printed
    expect(built.code).toBe(0);
    expect(built.stderr.split('\n').filter((l) => l !== '' && !/warning: firmware '[^']+' for module \w+ not found|^mkinitramfs-ts: wrote /.test(l))).toEqual([]);
    console.log(/^mkinitramfs-ts: wrote .*/m.exec(built.stderr)?.[0]);
    const why = await runCliAsync(['explain', ...flags, 'nfs', 'virtio_net', '/usr/sbin/mount.nfs']);
    expect(why.stdout).toMatch(/^nfs ← feature nfs \(detected on the host\)$/m);
    // the card on the route to the server (from the capture's facts), not the network feature's list
    expect(why.stdout).toMatch(/^virtio_net ← .* ← eth0 ← route 10\.0\.3\.0\/24 dev eth0 ← root server 10\.0\.3\.1 \(root=nfs:10\.0\.3\.1:/m);
    const plan = JSON.parse((await runCliAsync(['build', ...flags, '-o', hostImage, '--dry-run', '--json'])).stdout) as { entries: { path: string }[] };
    const generic = plan.entries.map((e) => /\/(e1000e?|igb|igc|ixgbe|i40e|r8169|tg3|bnx2x|mlx5_core|vmxnet3|hv_netvsc|ena|gve)\.ko/.exec(e.path.replace(/-/g, '_'))?.[1]).filter((m) => m);
    expect(generic).toEqual([]);
    expect(why.stdout).toMatch(/^\/usr\/sbin\/mount\.nfs ← binary requested \(feature nfs\)$/m);

    const r = await bootVm({
      kernel: kernelImage(), initrd: hostImage, append: `${CLIENT_IP} rw`,
      extraArgs: server!.clientNic(CLIENT_MAC),
      until: [/MARKER:systemd multi-user reached/], watch: [/nfs: \S+ mounted on/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000));
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/mkinitramfs-ts: kernel \S+, image for \S+ \(host-only\)/);
    expect(r.log).toMatch(new RegExp(`nfs: ${SERVER_IP}:${CAPTURE_EXPORT} mounted on /sysroot \\(NFSv3, rw,vers=3,.*proto=tcp.*,nolock,retry=0\\)`));
    console.log(`nfs host-only boot: capture ${cap.durationMs} ms; root mounted at ${markerMs(r, /nfs: \S+ mounted on/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, 900_000);
});
