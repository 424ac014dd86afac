// An NBD root's server, found on sysfs/proc trees shaped as the kernel makes them: the live
// nbd-client (sysfs pid → its socket fds → /proc/net/tcp or tcp6 by inode), else root=/netroot=nbd:
// on the command line, else /etc/nbdtab, else an error naming all three and the fix. Then what a
// host-only image embeds: root=nbd:SERVER:PORT:FSTYPE, or netroot=nbd: + root=UUID= (+ rd.luks.uuid=).
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureHost } from '../../../src/detect/capture.js';
import { detectHost } from '../../../src/detect/detect-host.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { DetectError } from '../../../src/errors.js';
import { hostOnlyInputsFromFacts } from '../../../src/hostonly/host-only-inputs.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { fakeModuleSource } from '../hostonly/fake-module-source.js';
import { baseMachine, twoNicMachine } from './machines.js';

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

const NBD0 = '/sys/devices/virtual/block/nbd0';
const TCP_HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const TCP6_HEAD = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

/** / (ext4) on /dev/nbd0 itself; the card on 192.168.2.0/24 is eth1 (twoNicMachine). */
function nbdMachine(cmdline = 'BOOT_IMAGE=/vmlinuz ro quiet'): void {
  twoNicMachine(tree);
  tree.blockDisk('/sys/devices/virtual/block', 'nbd0', '43:0', { blockDir: false });
  baseMachine(tree, '26 1 43:0 / / rw,relatime - ext4 /dev/nbd0 rw');
  tree.file('/proc/cmdline', `${cmdline}\n`);
}

/** nbd-client as pid 312: fd 0-2 a tty, fd 3 the socket with `inode`, as /proc/312/fd shows them. */
function liveClient(inode: number, argv0 = '/usr/sbin/nbd-client'): void {
  tree.file(`${NBD0}/pid`, '312\n');
  tree.file('/proc/312/cmdline', `${argv0}\x00192.168.2.7\x0010809\x00/dev/nbd0\x00`);
  tree.dir('/proc/312/fd');
  for (const [fd, target] of [['0', '/dev/console'], ['1', '/dev/console'], ['2', 'pipe:[4411]'], ['3', `socket:[${inode}]`]])
    symlinkSync(target as string, tree.disk(`/proc/312/fd/${fd}`));
}

describe('the server of an NBD root', () => {
  it('the live nbd-client: its socket\'s inode in /proc/net/tcp gives the server and port; the image embeds root=nbd:SERVER:PORT:FSTYPE', () => {
    nbdMachine();
    liveClient(20417);
    // a listener and another connection first; the client's: 192.168.2.15:41022 → 192.168.2.7:10809 (0x2A39)
    tree.file(
      '/proc/net/tcp',
      TCP_HEAD +
        '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 15120 1 0000000000000000 100 0 0 10 0\n' +
        '   1: 0F02A8C0:0016 0102A8C0:D431 01 00000000:00000000 02:0009C4F1 00000000     0        0 19001 4 0000000000000000 20 4 1 10 -1\n' +
        '   2: 0F02A8C0:A03E 0702A8C0:2A39 01 00000000:00000000 00:00000000 00000000     0        0 20417 2 0000000000000000 20 4 30 10 -1\n',
    );
    const facts = detectHost(tree.host());
    expect(facts.nbd).toEqual({ device: 'nbd0', server: '192.168.2.7', port: 10809, source: 'nbd-client (pid 312) connected to 192.168.2.7:10809 (/proc/net/tcp)' });
    expect(facts.network?.from).toBe('root=nbd:192.168.2.7:10809:ext4');
    expect(facts.network?.route.route).toBe('192.168.2.0/24 dev eth1');
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts);

    const inputs = hostOnlyInputsFromFacts(facts, fakeModuleSource());
    expect(inputs.cmdline).toBe('root=nbd:192.168.2.7:10809:ext4');
    expect(inputs.features).toEqual(['nbd']);
    expect(inputs.modules.find((m) => m.name === 'nbd')).toEqual({
      name: 'nbd', optional: false,
      why: 'NBD device nbd0 from 192.168.2.7:10809 (nbd-client (pid 312) connected to 192.168.2.7:10809 (/proc/net/tcp)) ← / (ext4)',
    });
    expect(inputs.modules.find((m) => m.name === 'e1000e')?.why).toMatch(/← eth1 ← route 192\.168\.2\.0\/24 dev eth1 ← root server 192\.168\.2\.7 \(root=nbd:192\.168\.2\.7:10809:ext4\)$/);
  });

  it('a capture keeps what the live client path read (its pid, socket links, /proc/net/tcp): detection on it gives the same server', () => {
    nbdMachine();
    liveClient(20417);
    tree.file('/proc/net/tcp', TCP_HEAD + '   0: 0F02A8C0:A03E 0702A8C0:2A39 01 00000000:00000000 00:00000000 00000000     0        0 20417 2 0000000000000000 20 4 30 10 -1\n');
    const live = detectHost(tree.host());
    const out = mkdtempSync(join(tmpdir(), 'nbd-capture-'));
    try {
      captureHost(tree.host(), join(out, 'cap'));
      const again = detectHost(new FsHost({ root: tree.root, sysfs: join(out, 'cap/sys'), procfs: join(out, 'cap/proc') }));
      expect(again.nbd).toEqual(live.nbd);
      expect(again.nbd?.source).toBe('nbd-client (pid 312) connected to 192.168.2.7:10809 (/proc/net/tcp)');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('the live nbd-client over IPv6 (/proc/net/tcp6, the words in host order), and an IPv4 peer of an IPv6 socket', () => {
    nbdMachine();
    tree.file('/proc/net/ipv6_route', '00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 00000003 eth1\n');
    liveClient(777, '@nbd-client'); // -systemd-mark: argv[0] starts with @
    // fd00::7 port 10810 (0x2A3A)
    tree.file('/proc/net/tcp', TCP_HEAD);
    tree.file('/proc/net/tcp6', TCP6_HEAD + '   0: 000000FD000000000000000002000000:A03E 000000FD000000000000000007000000:2A3A 01 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 20 4 30 10 -1\n');
    const facts = detectHost(tree.host());
    expect(facts.nbd).toMatchObject({ server: 'fd00::7', port: 10810, source: 'nbd-client (pid 312) connected to [fd00::7]:10810 (/proc/net/tcp6)' });
    expect(facts.network?.from).toBe('root=nbd:[fd00::7]:10810:ext4');
    expect(facts.network?.route.iface).toBe('eth1');

    // ::ffff:192.168.2.7
    tree.file('/proc/net/tcp6', TCP6_HEAD + '   0: 0000000000000000FFFF00000F02A8C0:A03E 0000000000000000FFFF00000702A8C0:2A39 01 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 20 4 30 10 -1\n');
    expect(detectHost(tree.host()).nbd).toMatchObject({ server: '192.168.2.7', port: 10809 });
  });

  it('no live client (netlink: the pid is gone, or now another program): root=nbd: on the command line, the export name kept', () => {
    nbdMachine('BOOT_IMAGE=/vmlinuz root=nbd:192.168.2.7:rootfs:ext4 ro');
    tree.file(`${NBD0}/pid`, '312\n').file('/proc/312/cmdline', '/usr/bin/sleep\x00100\x00');
    const facts = detectHost(tree.host());
    expect(facts.nbd).toEqual({ device: 'nbd0', server: '192.168.2.7', port: 10809, export: 'rootfs', source: 'root=nbd:192.168.2.7:rootfs:ext4' });
    expect(facts.network?.from).toBe('root=nbd:192.168.2.7:rootfs:ext4');
    expect(hostOnlyInputsFromFacts(facts, fakeModuleSource()).cmdline).toBe('root=nbd:192.168.2.7:rootfs:ext4');
  });

  it('the live client gives the port, the command line the export name of the same server', () => {
    nbdMachine('root=nbd:192.168.2.7:rootfs');
    liveClient(20417);
    tree.file('/proc/net/tcp', TCP_HEAD + '   0: 0F02A8C0:A03E 0702A8C0:2A39 01 00000000:00000000 00:00000000 00000000     0        0 20417 2 0000000000000000 20 4 30 10 -1\n');
    const facts = detectHost(tree.host());
    expect(facts.nbd).toMatchObject({ server: '192.168.2.7', port: 10809, export: 'rootfs' });
    expect(facts.network?.from).toBe('root=nbd:192.168.2.7:rootfs:ext4');
    // connected to another port (0x2A3B = 10811) than the one an export name is served on: not to be said in root=nbd:
    tree.file('/proc/net/tcp', TCP_HEAD + '   0: 0F02A8C0:A03E 0702A8C0:2A3B 01 00000000:00000000 00:00000000 00000000     0        0 20417 2 0000000000000000 20 4 30 10 -1\n');
    let err: DetectError | undefined;
    try {
      detectHost(tree.host());
    } catch (e) {
      err = e as DetectError;
    }
    expect(err?.message).toMatch(/export 'rootfs' on port 10811 of 192\.168\.2\.7: root=nbd: names a port or an export name \(on port 10809\), not both/);
    expect(err?.file).toBe('/proc/cmdline');
  });

  it('LUKS on an NBD partition, booted with netroot=nbd:: netroot=nbd: + root=UUID= + rd.luks.uuid= embedded', () => {
    twoNicMachine(tree);
    const nbd0 = tree.blockDisk('/sys/devices/virtual/block', 'nbd0', '43:0', { blockDir: false });
    const p1 = tree.partition(nbd0, 'nbd0p1', '43:1', 1);
    tree.dm('dm-0', '254:0', { uuid: 'CRYPT-LUKS2-5b0c8e1a2f3d4c6b9a7e0d1c2b3a4f59-cryptroot', name: 'cryptroot' }, [p1]);
    baseMachine(tree, '26 1 254:0 / / rw,relatime - ext4 /dev/mapper/cryptroot rw');
    tree.file('/proc/cmdline', 'ip=dhcp netroot=nbd:192.168.2.7:10811 rd.luks.uuid=luks-x root=UUID=1c2d3e4f-5061-4728-8394-a5b6c7d8e9f0\n');
    tree.file('/run/udev/data/b43:1', 'E:ID_FS_TYPE=crypto_LUKS\nE:ID_FS_UUID=5b0c8e1a-2f3d-4c6b-9a7e-0d1c2b3a4f59\n');
    tree.file('/run/udev/data/b254:0', 'E:ID_FS_TYPE=ext4\nE:ID_FS_UUID=1c2d3e4f-5061-4728-8394-a5b6c7d8e9f0\n');
    const facts = detectHost(tree.host());
    expect(facts.nbd).toEqual({ device: 'nbd0', server: '192.168.2.7', port: 10811, source: 'netroot=nbd:192.168.2.7:10811' });
    expect(facts.network?.from).toBe('netroot=nbd:192.168.2.7:10811');
    const inputs = hostOnlyInputsFromFacts(facts, fakeModuleSource());
    expect(inputs.cmdline.split(' ')).toEqual([
      'root=UUID=1c2d3e4f-5061-4728-8394-a5b6c7d8e9f0', 'rootfstype=ext4', 'rd.luks.uuid=5b0c8e1a-2f3d-4c6b-9a7e-0d1c2b3a4f59', 'netroot=nbd:192.168.2.7:10811',
    ]);
    expect(inputs.features).toEqual(['crypt', 'nbd']);
  });

  it('neither client nor command line: the device\'s line in the sysroot\'s /etc/nbdtab (export name, port=)', () => {
    nbdMachine();
    tree.file('/etc/nbdtab', '# device host export options\nnbd1 10.0.0.9 other\nnbd0 192.168.2.7 rootfs persist,port=10809,timeout=30\n');
    expect(detectHost(tree.host()).nbd).toEqual({
      device: 'nbd0', server: '192.168.2.7', port: 10809, export: 'rootfs', source: '/etc/nbdtab: nbd0 192.168.2.7 rootfs persist,port=10809,timeout=30',
    });
    // a name on another port: root=nbd: cannot say both
    tree.file('/etc/nbdtab', 'nbd0 192.168.2.7 rootfs port=10900\n');
    expect(() => detectHost(tree.host())).toThrow(/export 'rootfs' on port 10900 of 192\.168\.2\.7: root=nbd: names a port or an export name/);
  });

  it('nothing names the server: a DetectError saying what was tried and how to fix it', () => {
    nbdMachine();
    let err: unknown;
    try {
      detectHost(tree.host());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DetectError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/\/ is on \/dev\/nbd0, but nothing says which NBD server serves it: no client pid in \/sys\/block\/nbd0\/pid/);
    expect(msg).toMatch(/no root=nbd: or netroot=nbd: on \/proc\/cmdline; no nbd0 line in \/etc\/nbdtab/);
    expect(msg).toMatch(/--no-hostonly --kernel-cmdline 'root=nbd:SERVER:PORT'/);
    // a live client without a TCP socket is named as such
    liveClient(99);
    tree.file('/proc/net/tcp', TCP_HEAD);
    expect(() => detectHost(tree.host())).toThrow(/none of nbd-client's \(pid 312\) sockets is a TCP connection/);
  });
});
