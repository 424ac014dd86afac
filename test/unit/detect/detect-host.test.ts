import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectHost } from '../../../src/detect/detect-host.js';
import { DetectError } from '../../../src/errors.js';
import { SysfsTree, writeAt } from '../../support/sysfs-tree.js';
import { ext4Image, gptImage, luksImage, mdImage } from './identity/superblock-bytes.js';
import { ahciDisk, baseMachine, nvmeDisk, PCI, twoNicMachine, usbKeyboard, virtioMachine } from './machines.js';

const FS_UUID = '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7';
const DISK_GUID = '8c1f0a2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b';
const PART_GUID = '4f68bce3-e8cd-4db1-96e7-fbcaf984b709';

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

describe('detectHost', () => {
  it('virtio root: mount, stack, identity read from /dev (superblock and GPT), devices, cmdline', () => {
    virtioMachine(tree);
    tree.file('/dev/vda', gptImage(DISK_GUID, [{ uuid: PART_GUID, name: 'root', first: 2048, last: 4000 }]));
    tree.file('/dev/vda1', ext4Image({ uuid: FS_UUID, label: 'debian' }));
    const facts = detectHost(tree.host());

    expect(facts.kernelRelease).toBe('6.1.0-56-amd64');
    expect(facts.cmdline).toBe(`BOOT_IMAGE=/vmlinuz root=UUID=${FS_UUID} ro quiet`);
    const { device, ...mount } = facts.root;
    expect(mount).toEqual({
      mountPoint: '/',
      majMin: '254:1',
      fstype: 'ext4',
      source: '/dev/vda1',
      options: 'rw,relatime',
      superOptions: 'rw,errors=remount-ro',
      fsRoot: '/',
    });
    expect(device!.identity).toEqual({ source: 'superblock', type: 'ext4', uuid: FS_UUID, label: 'debian', partUuid: PART_GUID, partLabel: 'root' });
    expect(device!.slaves[0]?.identity).toEqual({ source: 'superblock', ptType: 'gpt', ptUuid: DISK_GUID });
    expect(facts.devices.map((d) => d.modalias)).toContain('virtio:d00000002v00001AF4');
    expect(facts.usr).toBeUndefined();
    expect(facts.keyboards).toEqual([]);
    expect(JSON.parse(JSON.stringify(facts))).toEqual(facts); // plain JSON data
  });

  it('without a readable /dev: udev database, then the system blkid cache', () => {
    virtioMachine(tree);
    tree.file('/run/udev/data/b254:1', `E:ID_FS_TYPE=ext4\nE:ID_FS_UUID=${FS_UUID}\nE:ID_PART_ENTRY_UUID=${PART_GUID}\n`);
    tree.file('/run/blkid/blkid.tab', '<device DEVNO="0xfe00" TYPE="ext4" PTTYPE="gpt" PTUUID="abc">/dev/vda</device>\n');
    const facts = detectHost(tree.host());
    expect(facts.root.device!.identity).toEqual({ source: 'udev', type: 'ext4', uuid: FS_UUID, partUuid: PART_GUID });
    expect(facts.root.device!.slaves[0]?.identity).toEqual({ source: 'blkid-cache', type: 'ext4', ptType: 'gpt', ptUuid: 'abc' });
  });

  it('btrfs (0:NN in mountinfo) is mapped through its source; a separate /usr is detected too', () => {
    const sda = ahciDisk(tree, 0, 'sda', 8, 0);
    tree.partition(sda, 'sda2', '8:2', 2);
    tree.partition(sda, 'sda3', '8:3', 3);
    baseMachine(tree, '26 1 0:31 /@ / rw,noatime shared:1 - btrfs /dev/sda2 rw,ssd,space_cache=v2,subvolid=256,subvol=/@', [
      '40 26 8:3 / /usr ro,relatime shared:20 - ext4 /dev/sda3 ro',
    ]);
    const facts = detectHost(tree.host());
    expect(facts.root).toMatchObject({ majMin: '0:31', fsRoot: '/@', fstype: 'btrfs', device: { name: 'sda2', majMin: '8:2' } });
    expect(facts.usr).toMatchObject({ mountPoint: '/usr', device: { name: 'sda3', kind: 'partition' } });
  });

  it('a /dev/mapper/NAME source is found by dm/name; LUKS identity of the partition below', () => {
    const p3 = tree.partition(nvmeDisk(tree), 'nvme0n1p3', '259:3', 3);
    tree.dm('dm-0', '254:0', { uuid: 'CRYPT-LUKS2-7d3e1f0a9b2c4d5e8f6a1b2c3d4e5f60-cryptroot', name: 'cryptroot' }, [p3]);
    baseMachine(tree, '26 1 0:33 /root / rw - btrfs /dev/mapper/cryptroot rw');
    tree.file('/dev/nvme0n1p3', luksImage(2, '7d3e1f0a-9b2c-4d5e-8f6a-1b2c3d4e5f60'));
    const facts = detectHost(tree.host());
    expect(facts.root.device).toMatchObject({ name: 'dm-0', kind: 'dm-crypt', dmName: 'cryptroot' });
    expect(facts.root.device!.slaves[0]?.identity).toEqual({ source: 'superblock', type: 'crypto_LUKS', uuid: '7d3e1f0a-9b2c-4d5e-8f6a-1b2c3d4e5f60' });
  });

  it('md root: member superblocks identify the members; MD_UUID from udev when md/uuid is missing', () => {
    const sda1 = tree.partition(ahciDisk(tree, 0, 'sda', 8, 0), 'sda1', '8:1', 1);
    const sdb1 = tree.partition(ahciDisk(tree, 1, 'sdb', 8, 16), 'sdb1', '8:17', 1);
    tree.md('md0', '9:0', 'raid1', [sda1, sdb1]);
    baseMachine(tree, '26 1 9:0 / / rw,relatime - ext4 /dev/md0 rw');
    const arrayUuid = '3b1e2a4c-5d6f-7081-92a3-b4c5d6e7f809';
    const member = mdImage({ size: 1 << 20, at: 4096, arrayUuid, name: 'host:0', devUuid: FS_UUID });
    writeAt(tree.disk('/dev/sda1'), 0, member);
    tree.file('/run/udev/data/b9:0', 'E:MD_LEVEL=raid1\nE:MD_UUID=3b1e2a4c:5d6f7081:92a3b4c5:d6e7f809\nE:ID_FS_TYPE=ext4\n');
    const facts = detectHost(tree.host());
    expect(facts.root.device).toMatchObject({ kind: 'md', mdLevel: 'raid1', mdUuid: arrayUuid });
    expect(facts.root.device!.slaves[0]?.identity).toMatchObject({ type: 'linux_raid_member', uuid: arrayUuid, label: 'host:0' });
    expect(facts.root.device!.slaves[1]?.identity).toBeUndefined(); // sdb1: nothing readable, nothing known
  });

  it('keyboards are part of the facts', () => {
    virtioMachine(tree);
    usbKeyboard(tree);
    expect(detectHost(tree.host()).keyboards.map((k) => k.hardware.at(-1)?.sysPath)).toEqual([`${PCI}/0000:00:14.0`]);
  });

  it('overlay or tmpfs on / is a DetectError that says to use --no-hostonly', () => {
    virtioMachine(tree);
    tree.mountinfo([]);
    tree.file('/proc/4242/mountinfo', '50 1 0:45 / / rw,relatime - overlay overlay rw,lowerdir=/a,upperdir=/b,workdir=/c\n');
    expect(() => detectHost(tree.host())).toThrow(DetectError);
    expect(() => detectHost(tree.host())).toThrow(/overlay from 'overlay'.*host-only cannot find a root device; use --no-hostonly/);
    tree.file('/proc/4242/mountinfo', '50 1 0:46 / / rw - tmpfs tmpfs rw,size=100k\n');
    expect(() => detectHost(tree.host())).toThrow(/tmpfs from 'tmpfs'/);
  });

  it('an NFS root: its server, export and the options to mount it with again (no addresses of this boot)', () => {
    virtioMachine(tree);
    tree.file(
      '/proc/4242/mountinfo',
      '50 1 0:52 / / rw,relatime shared:1 - nfs4 10.0.0.1:/export/root rw,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=10.0.0.5,local_lock=none,addr=10.0.0.1\n',
    );
    const facts = detectHost(tree.host());
    expect(facts.root.device).toBeUndefined();
    expect(facts.root.network).toEqual({
      kind: 'nfs4', server: '10.0.0.1', path: '/export/root', options: 'vers=4.2,rsize=1048576,wsize=1048576,hard,proto=tcp,timeo=600,retrans=2,sec=sys', interfaces: [],
    });
    tree.file('/proc/4242/mountinfo', '50 1 0:53 / / rw - nfs [2001:db8::1]:/srv/nfs/node-1 rw,vers=3,proto=tcp6,mountaddr=2001:db8::1,mountport=20048,addr=2001:db8::1\n');
    expect(detectHost(tree.host()).root.network).toEqual({ kind: 'nfs', server: '[2001:db8::1]', path: '/srv/nfs/node-1', options: 'vers=3,proto=tcp6', interfaces: [] });
    expect(JSON.parse(JSON.stringify(detectHost(tree.host())))).toEqual(detectHost(tree.host()));
  });

  it('an NFS root: the interface of the route to the server (longest prefix), with its hardware chain; no route: every interface that is up', () => {
    twoNicMachine(tree);
    baseMachine(tree, '50 1 0:52 / / rw - nfs nfs.example.org:/srv/root rw,vers=3,proto=tcp,addr=10.0.0.1');
    const nics = detectHost(tree.host()).root.network?.interfaces ?? [];
    expect(nics.map((n) => [n.name, n.mac])).toEqual([['eth0', '52:54:00:0f:00:02']]);
    expect(nics[0]?.hardware.map((h) => [h.sysPath, h.driverModule])).toEqual([
      [`${PCI}/0000:00:03.0/virtio1`, 'virtio_net'],
      [`${PCI}/0000:00:03.0`, 'virtio_pci'],
    ]);
    // 192.168.2.9 is on eth1's subnet; 172.16.0.1 takes the default route (eth1 too)
    tree.file('/proc/4242/mountinfo', '50 1 0:52 / / rw - nfs4 192.168.2.9:/srv/root rw,vers=4.2,addr=192.168.2.9\n');
    expect(detectHost(tree.host()).root.network?.interfaces.map((n) => n.name)).toEqual(['eth1']);
    tree.file('/proc/4242/mountinfo', '50 1 0:52 / / rw - nfs4 172.16.0.1:/srv/root rw,vers=4.2,addr=172.16.0.1\n');
    expect(detectHost(tree.host()).root.network?.interfaces.map((n) => n.name)).toEqual(['eth1']);
    // an IPv6 server: no IPv4 route to read, so both NICs that are up (not lo)
    tree.file('/proc/4242/mountinfo', '50 1 0:52 / / rw - nfs4 [2001:db8::1]:/srv/root rw,vers=4.2,addr=2001:db8::1\n');
    expect(detectHost(tree.host()).root.network?.interfaces.map((n) => n.name)).toEqual(['eth0', 'eth1']);
  });

  it('an NFS root the image could not name on its command line is a DetectError, not an image that cannot boot', () => {
    virtioMachine(tree);
    tree.file('/proc/4242/mountinfo', '50 1 0:52 / / rw - nfs4 10.0.0.1:/export/my\\040root rw,vers=4.2\n');
    expect(() => detectHost(tree.host())).toThrow(/nfs4 from '10\.0\.0\.1:\/export\/my root': '\/export\/my root' is not an export path .*--no-hostonly/);
    tree.file('/proc/4242/mountinfo', '50 1 0:52 / / rw - nfs4 -o:/export/root rw,vers=4.2\n');
    expect(() => detectHost(tree.host())).toThrow(/'-o' is not a server address/);
  });

  it('a missing mountinfo is a DetectError naming /proc/self/mountinfo and the fix', () => {
    virtioMachine(tree);
    fs.rmSync(tree.disk('/proc/4242/mountinfo'));
    let error: unknown;
    try {
      detectHost(tree.host());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DetectError);
    expect((error as DetectError).file).toBe('/proc/self/mountinfo');
    expect((error as DetectError).message).toMatch(/^\/proc\/self\/mountinfo: not found .*--procfs DIR/);
  });

  it('a mount table without / is a DetectError', () => {
    virtioMachine(tree);
    tree.file('/proc/4242/mountinfo', '22 28 0:21 / /proc rw - proc proc rw\n');
    expect(() => detectHost(tree.host())).toThrow(/no file system is mounted on \//);
  });
});
