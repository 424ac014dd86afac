// A module that is in the image but that the guest's kernel refuses is never hidden: /init says which
// and why on the console, and when root then cannot be found (its disk's driver is the one refused)
// the failure report lists it. Both init modes, each with a real refusal by the real 6.1 kernel:
// - busybox ash + busybox modprobe: /etc/modprobe.d gives virtio_blk a parameter value the kernel
//   rejects (options virtio_blk queue_depth=notanumber);
// - dash + kmod (a sysroot without busybox): virtio_blk.ko holds gzip-compressed bytes, which kmod 30
//   (built without zlib; it recognises zstd and xz by their magic) hands to the kernel as they are:
//   a compressed module reaching a kernel that cannot decompress modules.
// The test's files go into an uncompressed newc archive appended to the built image (after zeros up to
// a multiple of 4 bytes): the kernel unpacks the archives in order, a later file replacing an earlier one.
import { execFileSync, execSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage } from '../support/build-image.js';
import { busyboxlessSysroot } from '../support/busyboxless-sysroot.js';
import { markerRootDisk } from '../support/disks.js';
import { kernelImage, kmodDir, kver } from '../support/fixtures.js';
import { bootVm, type BootResult } from '../support/qemu.js';

const BOOT_TIMEOUT = 240_000;
const work = mkdtempSync(join(tmpdir(), 'mkits-failed-load-'));
let busyboxImage = '';
let kmodImage = '';

/** `image` followed by an uncompressed newc archive of `files` (image paths → contents); returns the new file. */
function withAppendedFiles(image: string, name: string, files: Record<string, Buffer | string>): string {
  const dir = mkdtempSync(join(work, 'extra-'));
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  const cpio = execSync(`find . -mindepth 1 -printf '%P\\n' | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet`, { cwd: dir, shell: '/bin/bash', maxBuffer: 64 << 20 });
  const out = join(work, name);
  copyFileSync(image, out);
  // the kernel looks for a newc header only at a multiple of 4 bytes; zeros before it are skipped
  appendFileSync(out, Buffer.alloc((4 - (statSync(out).size % 4)) % 4));
  appendFileSync(out, cpio);
  return out;
}

beforeAll(() => {
  // gzip: its decoder tells the kernel where the compressed archive ends, so the appended one is read
  const plain = buildFixtureImage('failed-load-busybox', ['-N', '--compress', 'gzip']);
  busyboxImage = withAppendedFiles(plain, 'busybox-bad-option.img', {
    'etc/modprobe.d/zz-test-bad-option.conf': 'options virtio_blk queue_depth=notanumber\n',
  });
  const copy = busyboxlessSysroot();
  try {
    const fallback = buildFixtureImage('failed-load-kmod', ['--sysroot', copy.root, '-N', '--compress', 'gzip']);
    const ko = join(kmodDir(), 'kernel/drivers/block/virtio_blk.ko');
    const gz = execFileSync('gzip', ['-n', '-c', ko], { maxBuffer: 64 << 20 });
    kmodImage = withAppendedFiles(fallback, 'kmod-compressed-ko.img', { [`usr/lib/modules/${kver()}/kernel/drivers/block/virtio_blk.ko`]: gz });
  } finally {
    copy.remove();
  }
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The console lines that say a module failed to load. The kernel prints on the same serial console: a
 * message of its own ("[    5.806925] scsi host4: ahci") can land between /init's line and its newline,
 * and is cut off here.
 */
const saidLines = (r: BootResult): string[] =>
  r.log.split('\n').filter((l) => l.includes('mkinitramfs-ts: cannot load module')).map((l) => l.replace(/\[ *\d+\.\d{6}\] .*$/, ''));

/** The console summary's list of the modules that failed to load (lines under its heading). */
function summaryFailedList(r: BootResult): string[] {
  const at = r.log.indexOf('modules that failed to load (in the image, refused by the kernel):');
  if (at < 0) return [];
  const rest = r.log.slice(at).split('\n').slice(1);
  const list: string[] = [];
  for (const l of rest) {
    if (!l.startsWith('  ')) break;
    list.push(l.trim());
  }
  return list;
}

describe.concurrent('a module the kernel refuses is reported', () => {
  it('busybox: virtio_blk with a parameter value the kernel rejects: said on the console, listed by the report when root is not found', async () => {
    const uuid = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4a01';
    const disk = await markerRootDisk({ uuid, label: 'badopt', marker: 'never' });
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: busyboxImage,
      append: `root=UUID=${uuid} rd.timeout=5 rd.shell=0`,
      disks: [{ file: disk, bus: 'virtio-blk' }],
      until: [/mkinitramfs-ts: cannot load module virtio_blk: /, new RegExp(`cannot boot: no device matched root=UUID=${uuid} after 5s`), /rd\.shell=0: rebooting/],
      failOn: [/MARKER:never/, /Initramfs unpacking failed/],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-5000));
    expect(r.matched).toBe(true);
    // once, with the errno in busybox's words and the kernel's own line naming the parameter
    expect(saidLines(r)).toEqual([
      "mkinitramfs-ts: cannot load module virtio_blk: Invalid argument (kernel: virtio_blk: `notanumber' invalid for parameter `queue_depth')",
    ]);
    expect(summaryFailedList(r)).toEqual(["virtio_blk: Invalid argument (kernel: virtio_blk: `notanumber' invalid for parameter `queue_depth')"]);
    // the disk is there without a driver: it is no "modalias nobody claims"
    expect(r.log).not.toMatch(/^ {2}virtio:d00000002v00001AF4/m);
  }, BOOT_TIMEOUT + 30_000);

  it('dash + kmod: a virtio_blk.ko of compressed bytes: said on the console, listed by the report when root is not found', async () => {
    const uuid = '3d9f6a8e-1b2c-4d5e-8f90-0a1b2c3d4a02';
    const disk = await markerRootDisk({ uuid, label: 'badko', marker: 'never' });
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: kmodImage,
      append: `root=UUID=${uuid} rd.timeout=5 rd.shell=0`,
      disks: [{ file: disk, bus: 'virtio-blk' }],
      until: [/mkinitramfs-ts: cannot load module virtio_blk: /, new RegExp(`cannot boot: no device matched root=UUID=${uuid} after 5s`), /rd\.shell=0: rebooting/],
      failOn: [/MARKER:never/, /Initramfs unpacking failed/],
      timeoutMs: BOOT_TIMEOUT,
    });
    if (!r.matched) console.log(r.log.slice(-5000));
    expect(r.matched).toBe(true);
    // once, with kmod's strerror and the kernel's complaint (which cannot name the module: it has not read it)
    const said = /^virtio_blk: Exec format error \(kernel: Invalid ELF header magic: != .{1,4}ELF\)$/;
    expect(saidLines(r)).toHaveLength(1);
    expect(saidLines(r)[0]?.replace('mkinitramfs-ts: cannot load module ', '')).toMatch(said);
    expect(summaryFailedList(r)).toHaveLength(1);
    expect(summaryFailedList(r)[0]).toMatch(said);
  }, BOOT_TIMEOUT + 30_000);
});

