// A disk's label is written by whoever formatted it: it must never make /init take it for another
// device or another tag. util-linux's blkid is read in its `-o export` form (values escaped), on real
// ext4 file systems on loop devices; busybox's blkid (which prints labels raw and takes no options) is
// stood in for by a script that prints exactly what its display code prints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeRoot, q } from './fake-root.js';

const ROOT_UUID = '3e6be9de-8139-11d1-9106-a43f08d823a6';
const EVIL_UUID = '0badc0de-0000-4000-8000-000000000001';
/** A label that, printed raw, forges a line for the root disk and a second LABEL= on its own line. */
const FORGED = `x\n/dev/vdz: UUID="${EVIL_UUID}" LABEL="rootfs`;
const FORGED_QUOTE = 'evil" LABEL="rootfs';
/** find_device SPEC, and the device it found. */
const found = (spec: string): string => `find_device ${spec} && echo "$FOUND_DEVICE"`;

let fr: FakeRoot | undefined;
const loops: string[] = [];
let tmp = '';
afterEach(() => {
  fr?.cleanup();
  fr = undefined;
  for (const l of loops.splice(0)) execFileSync('losetup', ['-d', l]);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = '';
});

describe('busybox blkid (raw labels, no options)', () => {
  /** vdy: a disk whose label forges; vdz: the real root. */
  const setup = (label: string): FakeRoot => {
    const r = FakeRoot.create();
    fr = r;
    r.file('/proc/partitions', 'major minor  #blocks  name\n\n 254 16 1024 vdy\n 254 32 1024 vdz\n');
    r.blockdev('/dev/vdy', 254, 16).blockdev('/dev/vdz', 254, 32);
    // busybox 1.35 blkid_main: every argument is a device (bogus ones print nothing); none: all of them
    r.tool('/usr/sbin/blkid', [
      '[ $# -gt 0 ] || set -- /dev/vdy /dev/vdz',
      'for d; do case "$d" in',
      `/dev/vdy) printf '%s: LABEL="%s" UUID="%s" TYPE="ext4"\\n' "$d" ${q(label)} ${EVIL_UUID} ;;`,
      `/dev/vdz) printf '%s: LABEL="%s" UUID="%s" TYPE="ext4"\\n' "$d" rootfs ${ROOT_UUID} ;;`,
      'esac; done',
    ].join('\n'));
    return r;
  };

  it.each([FORGED, FORGED_QUOTE])('a label %j forges nothing, before and after the snapshot', (label) => {
    const r = setup(label);
    for (const pre of ['', 'blkid_refresh; ']) {
      const out = r.out(`${pre}${found('LABEL=rootfs')}; ${found(`UUID=${EVIL_UUID}`)}; ${found(`UUID=${ROOT_UUID}`)}; blkid_value /dev/vdy LABEL; printf '[%s]\\n' "$BLKID_VALUE"`);
      expect(out, pre).toBe(`/dev/vdz\n/dev/vdy\n/dev/vdz\n[${label.replace('\n', '^J')}]\n`);
    }
  });
});

describe('util-linux blkid (-o export) on real ext4', () => {
  it('reads LABEL, UUID and TYPE of loop devices whose labels hold newlines, quotes and spaces', () => {
    const r = FakeRoot.create({ shell: 'dash' });
    fr = r;
    tmp = mkdtempSync(join(tmpdir(), 'mkits-blkid-'));
    const labels = [FORGED.slice(0, 16), 'my root "disk"', 'back\\slash'];
    const lines: string[] = [];
    labels.forEach((label, i) => {
      const img = join(tmp, `${i}.img`);
      execFileSync('mkfs.ext4', ['-q', '-F', '-L', label, '-U', i === 1 ? ROOT_UUID : `0badc0de-0000-4000-8000-00000000000${i}`, img, '4M'], { stdio: 'ignore' });
      const loop = execFileSync('losetup', ['-f', '--show', img], { encoding: 'utf8' }).trim();
      loops.push(loop);
      const st = statSync(loop);
      const maj = Math.floor(st.rdev / 256);
      const min = st.rdev % 256;
      r.blockdev(loop, maj, min);
      lines.push(` ${maj} ${min} 4096 ${loop.replace('/dev/', '')}`);
    });
    r.dir('/run/initramfs').file('/proc/partitions', `major minor  #blocks  name\n\n${lines.join('\n')}\n`);
    const out = r.out(['blkid_refresh', ...loops.map((l) => `blkid_value ${l} LABEL; printf '[%s]' "$BLKID_VALUE"; blkid_value ${l} TYPE; echo "$BLKID_VALUE"`), found(q(`LABEL=${labels[1]}`)), found(`UUID=${ROOT_UUID}`)].join('\n'));
    expect(out).toBe(`[x^J/dev/vdz: UUID]ext4\n[my root "disk"]ext4\n[back\\slash]ext4\n${loops[1]}\n${loops[1]}\n`);
  });
});
