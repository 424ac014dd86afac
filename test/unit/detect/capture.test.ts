import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureHost } from '../../../src/detect/capture.js';
import { detectHost } from '../../../src/detect/detect-host.js';
import { CAPTURED_BLKID_TAB } from '../../../src/detect/identity/block-identity.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { OutputError } from '../../../src/errors.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { ext4Image, gptImage, luksImage } from './identity/superblock-bytes.js';
import { baseMachine, nvmeDisk, ps2KeyboardAndOthers, usbKeyboard } from './machines.js';

let tree: SysfsTree;
let out: SysfsTree; // just a temp dir to capture into
beforeEach(() => {
  tree = SysfsTree.create();
  out = SysfsTree.create('capture-out-');
});
afterEach(() => {
  tree.cleanup();
  out.cleanup();
});

/** LVM on LUKS on NVMe, with keyboards; identities from /dev images and from udev. */
function lvmOnLuksMachine(): void {
  const disk = nvmeDisk(tree);
  const p3 = tree.partition(disk, 'nvme0n1p3', '259:3', 3);
  const crypt = tree.dm('dm-0', '254:0', { uuid: 'CRYPT-LUKS2-7d3e1f0a9b2c4d5e8f6a1b2c3d4e5f60-cryptlvm', name: 'cryptlvm' }, [p3]);
  tree.dm('dm-1', '254:1', { uuid: 'LVM-Xh3k9aQ2bE7rT1yU5iO0pL8mN4vC6zW2sD3fG5hJ7kL9qW1eR3tY5uI7oP9aS2dF', name: 'vg0-root' }, [crypt]);
  baseMachine(tree, '26 1 254:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg0-root rw,errors=remount-ro');
  usbKeyboard(tree);
  ps2KeyboardAndOthers(tree);
  tree.file('/dev/dm-1', ext4Image({ uuid: '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7', label: 'root fs' }));
  tree.file('/dev/nvme0n1p3', luksImage(2, '7d3e1f0a-9b2c-4d5e-8f6a-1b2c3d4e5f60'));
  tree.file('/dev/nvme0n1', gptImage('8c1f0a2e-3b4d-4e5f-9a6b-7c8d9e0f1a2b', [
    { uuid: 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b', first: 34, last: 99 },
    { uuid: '0d1c2b3a-5f4e-4b6a-9d8c-7e6f5a4b3c2d', first: 100, last: 199 },
    { uuid: '4f68bce3-e8cd-4db1-96e7-fbcaf984b709', name: 'cryptlvm', first: 200, last: 4000 },
  ]));
  tree.file('/run/udev/data/b254:0', 'E:DM_NAME=cryptlvm\nE:ID_FS_TYPE=LVM2_member\nE:ID_FS_UUID=Abcdef-0123-4567-89GH-IJkl-mnOP-QRstuv\n');
}

function detectFromCapture(dir: string): ReturnType<typeof detectHost> {
  return detectHost(new FsHost({ root: '/', sysfs: join(dir, 'sys'), procfs: join(dir, 'proc') }));
}

describe('captureHost', () => {
  it('round trip: detection on the capture gives exactly the facts of the live tree', () => {
    lvmOnLuksMachine();
    const live = detectHost(tree.host());
    // the tree really exercises every identity source
    expect(live.root.device!.identity?.source).toBe('superblock');
    expect(live.root.device!.slaves[0]?.identity?.source).toBe('udev');
    expect(live.root.device!.slaves[0]?.slaves[0]?.identity?.partLabel).toBe('cryptlvm');
    expect(live.keyboards).toHaveLength(2);

    const dir = join(out.root, 'cap');
    const result = captureHost(tree.host(), dir);
    expect(result.facts).toEqual(live);
    expect(detectFromCapture(dir)).toEqual(live);
    expect(JSON.stringify(detectFromCapture(dir))).toBe(JSON.stringify(live)); // same key order too
  });

  it('copies only what detection reads: links with their link text, no unread attributes', () => {
    lvmOnLuksMachine();
    const dir = join(out.root, 'cap');
    captureHost(tree.host(), dir);
    const link = '/sys/dev/block/254:1';
    expect(fs.readlinkSync(join(dir, link))).toBe(fs.readlinkSync(tree.disk(link)));
    expect(fs.readlinkSync(join(dir, '/proc/self'))).toBe('4242');
    expect(fs.readFileSync(join(dir, '/proc/4242/mountinfo'), 'utf8')).toBe(fs.readFileSync(tree.disk('/proc/4242/mountinfo'), 'utf8'));
    const ahci = '/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0';
    expect(fs.existsSync(join(dir, ahci, 'modalias'))).toBe(true);
    expect(fs.existsSync(join(dir, ahci, 'uevent'))).toBe(false);
    expect(fs.existsSync(join(dir, ahci, 'power/control'))).toBe(false);
    expect(fs.existsSync(join(dir, '/dev'))).toBe(false);
    expect(fs.readFileSync(join(dir, CAPTURED_BLKID_TAB), 'utf8')).toContain('UUID="0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7"');
  });

  it('the captured blkid.tab wins over the /dev of the machine reading the capture', () => {
    lvmOnLuksMachine();
    const dir = join(out.root, 'cap');
    captureHost(tree.host(), dir);
    // detect the capture with the original tree as root: its /dev now says something else
    tree.file('/dev/dm-1', ext4Image({ uuid: '99999999-9999-4999-8999-999999999999', label: 'other' }));
    const facts = detectHost(new FsHost({ root: tree.root, sysfs: join(dir, 'sys'), procfs: join(dir, 'proc') }));
    expect(facts.root.device!.identity?.uuid).toBe('0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7');
  });

  it('a capture of a capture is the same capture', () => {
    lvmOnLuksMachine();
    const first = join(out.root, 'first');
    const second = join(out.root, 'second');
    captureHost(tree.host(), first);
    captureHost(new FsHost({ root: '/', sysfs: join(first, 'sys'), procfs: join(first, 'proc') }), second);
    expect(detectFromCapture(second)).toEqual(detectFromCapture(first));
  });

  it('refuses a non-empty output directory and leaves nothing behind when detection fails', () => {
    lvmOnLuksMachine();
    fs.writeFileSync(join(out.root, 'keep'), 'x');
    expect(() => captureHost(tree.host(), out.root)).toThrow(OutputError);
    fs.rmSync(tree.disk('/proc/4242/mountinfo'));
    expect(() => captureHost(tree.host(), join(out.root, 'cap'))).toThrow(/mountinfo/);
    expect(fs.readdirSync(out.root)).toEqual(['keep']);
  });
});
