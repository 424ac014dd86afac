// iSCSI roots under QEMU: a private tgtd (tgt, the user-space target) on this machine's loopback serves
// copies of the systemd root disk as LUN 1 of two targets, one open and one with CHAP both ways; the guest
// reaches it through QEMU's user network (the host is 10.0.2.2 there, which also hands out the DHCP
// lease), logs in with the sysroot's iscsistart and boots into systemd with root=UUID= on the LUN. A target
// name the portal does not have ends in the failure report naming iscsistart's error and the network state
// within the timeout. A host-only image built from the sysfs of that session (the captured shape of
// test/support/iscsi-sysfs.ts, pointed at this run's portal) boots with no iSCSI argument on the command
// line. tgtd is started here and always stopped; traffic stays on this machine.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../support/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { systemdRootDisk } from '../support/disks.js';
import { iscsiSysroot, kernelImage, kver } from '../support/fixtures.js';
import { iscsiSessionTree } from '../support/iscsi-sysfs.js';
import { bootVm, markerMs } from '../support/qemu.js';
import { SysfsTree } from '../support/sysfs-tree.js';

const BOOT_TIMEOUT = 300_000;
const NIC = ['-netdev', 'user,id=n0', '-device', 'virtio-net-pci,netdev=n0'];
const ROOT_UUID = '5b0c7e2a-9d41-4f63-8a1e-2c3d4e5f6a71';
const OPEN_IQN = 'iqn.2026-12.org.mkinitramfs-ts:open';
const CHAP_IQN = 'iqn.2026-12.org.mkinitramfs-ts:chap';
const INITIATOR = 'iqn.2026-12.org.mkinitramfs-ts:guest';
// CHAP secrets of 12-16 characters (what most targets ask for); the guest proves itself with the first
// pair, the target with the second (mutual CHAP)
const CHAP = { user: 'guest', pass: 'Guest-Secret-42', inUser: 'target', inPass: 'Target-Secret-7' };

let work = '';
let image = '';
let tgtd: ChildProcess | undefined;
let tgtdLog = '';
let portal = 0;
let control = 0;

/** tgtadm against our private tgtd (its management socket is /var/run/tgtd/socket.CONTROL). */
function tgtadm(...args: string[]): string {
  const r = spawnSync('tgtadm', ['-C', String(control), '--lld', 'iscsi', ...args], { encoding: 'utf8' });
  if (r.error) throw new Error(`tgtadm: ${r.error.message} (install tgt: bash scripts/setup-host.sh test)`);
  if (r.status !== 0) throw new Error(`tgtadm ${args.join(' ')}: exit ${r.status}: ${r.stderr}${r.stdout}\ntgtd: ${tgtdLog}`);
  return r.stdout;
}

/** A target with a copy of `disk` as LUN 1 (tgt writes to its backing file: never the cached disk). */
function addTarget(tid: number, iqn: string, disk: string): void {
  const copy = join(work, `lun-${tid}.img`);
  execFileSync('cp', ['--sparse=always', disk, copy]);
  tgtadm('--mode', 'target', '--op', 'new', '--tid', String(tid), '--targetname', iqn);
  tgtadm('--mode', 'logicalunit', '--op', 'new', '--tid', String(tid), '--lun', '1', '--backing-store', copy);
  tgtadm('--mode', 'target', '--op', 'bind', '--tid', String(tid), '--initiator-address', 'ALL');
}

async function startTgtd(): Promise<void> {
  portal = await freePort();
  // a management port (tgtd takes up to 32767) no other tgtd on this machine uses
  do control = 20000 + Math.floor(Math.random() * 12000);
  while (existsSync(`/var/run/tgtd/socket.${control}`));
  tgtd = spawn('tgtd', ['-f', '--iscsi', `portal=127.0.0.1:${portal}`, '-C', String(control)], { stdio: ['ignore', 'pipe', 'pipe'] });
  tgtd.on('error', (e) => (tgtdLog += `${e.message} (install tgt: bash scripts/setup-host.sh test)`));
  tgtd.stdout?.on('data', (d: Buffer) => (tgtdLog += d.toString()));
  tgtd.stderr?.on('data', (d: Buffer) => (tgtdLog += d.toString()));
  for (let i = 0; i < 100; i++) {
    if (tgtd.exitCode !== null || tgtdLog.includes('install tgt')) throw new Error(`tgtd exited: ${tgtdLog}`);
    if (spawnSync('tgtadm', ['-C', String(control), '--lld', 'iscsi', '--mode', 'target', '--op', 'show']).status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tgtd did not answer on its management port ${control}: ${tgtdLog}`);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-iscsi-'));
  image = join(work, 'iscsi.img');
  runCli(['build', '--sysroot', iscsiSysroot(), '--kver', kver(), '-o', image, '-N', '-a', 'network,iscsi', '--compress', 'zstd']);
  const disk = await systemdRootDisk({ uuid: ROOT_UUID, label: 'iscsiroot' });
  await startTgtd();
  addTarget(1, OPEN_IQN, disk);
  addTarget(2, CHAP_IQN, disk);
  tgtadm('--mode', 'account', '--op', 'new', '--user', CHAP.user, '--password', CHAP.pass);
  tgtadm('--mode', 'account', '--op', 'new', '--user', CHAP.inUser, '--password', CHAP.inPass);
  tgtadm('--mode', 'account', '--op', 'bind', '--tid', '2', '--user', CHAP.user);
  tgtadm('--mode', 'account', '--op', 'bind', '--tid', '2', '--user', CHAP.inUser, '--outgoing');
}, 600_000);

afterAll(async () => {
  if (tgtd && tgtd.exitCode === null) {
    // tgtd ignores SIGTERM: it stops when told so on its management port (SIGKILL if that fails)
    const gone = new Promise((r) => tgtd?.once('exit', r));
    spawnSync('tgtadm', ['-C', String(control), '--mode', 'system', '--op', 'delete']);
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (tgtd.exitCode === null) tgtd.kill('SIGKILL');
  }
  if (control) for (const f of [`socket.${control}`, `socket.${control}.lock`]) rmSync(`/var/run/tgtd/${f}`, { force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('iSCSI roots', () => {
  it('ip=dhcp netroot=iscsi:10.0.2.2::PORT:1:TARGET root=UUID= boots the systemd root from the LUN', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image,
      append: `ip=dhcp netroot=iscsi:10.0.2.2::${portal}:1:${OPEN_IQN} rd.iscsi.initiator=${INITIATOR} root=UUID=${ROOT_UUID}`, extraArgs: NIC,
      until: [/MARKER:systemd multi-user reached/], watch: [/network: eth0 10\.0\.2\.15/, /iscsi: logged in to/, /handing over to systemd/],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000), tgtdLog);
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(new RegExp(`iscsi: logged in to ${OPEN_IQN} at 10\\.0\\.2\\.2:${portal} as ${INITIATOR}(?![-\\w.:])`));
    expect(r.log).toMatch(/handing over to systemd/);
    console.log(`iscsi boot: lease at ${markerMs(r, /network: eth0 10\.0\.2\.15/)} ms, logged in at ${markerMs(r, /iscsi: logged in to/)} ms, switch_root at ${markerMs(r, /handing over to systemd/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 30_000);

  it('mutual CHAP: USER:PASS@ in netroot= and rd.iscsi.in.username/in.password; no secret on the console', async () => {
    const r = await bootVm({
      kernel: kernelImage(), initrd: image,
      append: `ip=dhcp netroot=iscsi:${CHAP.user}:${CHAP.pass}@10.0.2.2::${portal}:1:${CHAP_IQN} rd.iscsi.in.username=${CHAP.inUser} rd.iscsi.in.password=${CHAP.inPass} rd.iscsi.initiator=${INITIATOR} root=UUID=${ROOT_UUID}`,
      extraArgs: NIC, until: [/MARKER:systemd multi-user reached/], watch: [/iscsi: logged in to/, /handing over to systemd/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000), tgtdLog);
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(new RegExp(`iscsi: logged in to ${CHAP_IQN} at 10\\.0\\.2\\.2:${portal} as ${INITIATOR} \\(CHAP user ${CHAP.user}, mutual\\)`));
    // the kernel itself echoes its command line ("Command line:", "Unknown kernel command line parameters"); nothing of ours says a secret
    const ours = r.log.split('\n').filter((l) => !/[Cc]ommand line/.test(l)).join('\n');
    expect(ours).not.toContain(CHAP.pass);
    expect(ours).not.toContain(CHAP.inPass);
    console.log(`iscsi CHAP boot: logged in at ${markerMs(r, /iscsi: logged in to/)} ms, switch_root at ${markerMs(r, /handing over to systemd/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
  }, BOOT_TIMEOUT + 30_000);

  it('host-only: the session found in sysfs is embedded (netroot=, rd.iscsi.initiator=, iscsi_tcp) and boots with nothing on the command line', async () => {
    // the host: / on sda, LUN 1 of OPEN_IQN at this run's portal; what its superblock says, as a capture keeps it
    const tree = SysfsTree.create('mkinitramfs-ts-iscsi-host-');
    try {
      iscsiSessionTree(tree, { target: OPEN_IQN, initiator: INITIATOR, address: '10.0.2.2', port: portal });
      tree.mountinfo(['22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw', '26 1 8:0 / / rw,relatime - ext4 /dev/sda rw']);
      tree.file('/proc/cmdline', `netroot=iscsi:10.0.2.2::${portal}:1:${OPEN_IQN} root=UUID=${ROOT_UUID} ro\n`);
      tree.file('/sys/.mkinitramfs-ts/blkid.tab', `<device DEVNO="0x0800" SOURCE="superblock" TYPE="ext4" UUID="${ROOT_UUID}" LABEL="iscsiroot">/dev/sda</device>\n`);
      const hostImage = join(work, 'hostonly.img');
      runCli(['build', '-H', '--sysroot', iscsiSysroot(), '--kver', kver(), '--sysfs', tree.disk('/sys'), '--procfs', tree.disk('/proc'), '-o', hostImage, '--compress', 'zstd']);
      const r = await bootVm({
        kernel: kernelImage(), initrd: hostImage, append: '', extraArgs: NIC,
        until: [/MARKER:systemd multi-user reached/], watch: [/iscsi: logged in to/, /handing over to systemd/], timeoutMs: BOOT_TIMEOUT,
      });
      if (!r.matched) console.log(r.log.slice(-6000), tgtdLog);
      expect(r.matched).toBe(true);
      expect(r.log).toMatch(new RegExp(`iscsi: logged in to ${OPEN_IQN} at 10\\.0\\.2\\.2:${portal} as ${INITIATOR}(?![-\\w.:])`));
      console.log(`iscsi host-only boot: logged in at ${markerMs(r, /iscsi: logged in to/)} ms, switch_root at ${markerMs(r, /handing over to systemd/)} ms, multi-user at ${r.durationMs} ms (${r.accel})`);
    } finally {
      tree.cleanup();
    }
  }, BOOT_TIMEOUT + 60_000);

  it('a target the portal does not have ends in the failure report naming the target, iscsistart and the network (rd.shell=0)', async () => {
    const wrong = 'iqn.2026-12.org.mkinitramfs-ts:nosuchtarget';
    const r = await bootVm({
      kernel: kernelImage(), initrd: image,
      append: `ip=dhcp netroot=iscsi:10.0.2.2::${portal}:1:${wrong} root=UUID=${ROOT_UUID} rd.timeout=20 rd.shell=0`, extraArgs: NIC,
      until: [new RegExp(`cannot boot: iscsi: no login to ${wrong} at 10\\.0\\.2\\.2:${portal} after 20s: .*iscsistart`), /rd\.shell=0: rebooting/],
      failOn: [/MARKER:systemd/], timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-6000), tgtdLog);
    expect(r.matched).toBe(true);
    expect(r.log).toMatch(/mkinitramfs-ts: warning: iscsi: cannot log in to iqn\.2026-12\.org\.mkinitramfs-ts:nosuchtarget/);
    expect(r.log).toMatch(/network \(links, addresses, routes[,)]/);
    expect(r.log).toMatch(/addr: \d+: eth0 +inet 10\.0\.2\.15\/24/);
    expect(r.log).toMatch(/route: default via 10\.0\.2\.2 dev eth0/);
    console.log(`iscsi wrong target: report at ${r.durationMs} ms: ${r.log.match(/cannot boot: iscsi: .*/)?.[0] ?? ''}`);
  }, BOOT_TIMEOUT + 30_000);
});
