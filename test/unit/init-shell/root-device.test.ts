// root-device.sh under the image's busybox, chrooted into a fake root with a kernel-shaped /sys, a
// /proc/partitions, device nodes, and disks that are sfdisk-made images: the GUID byte juggling, the
// PARTUUID arithmetic from GPT and MBR, and every root= form find_device understands.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRoot, q } from './fake-root.js';

let fr: FakeRoot;
const disks: string[] = [];
beforeEach(() => {
  fr = FakeRoot.create();
});
afterEach(() => {
  fr.cleanup();
  for (const d of disks.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ESP_TYPE = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const LINUX_TYPE = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const P1 = '01234567-89AB-CDEF-0123-456789ABCDEF';
const P2 = 'A1B2C3D4-E5F6-4718-293A-4B5C6D7E8F90';

/** A disk image partitioned by sfdisk from `script`; returns the file. */
function sfdiskImage(script: string, bytes = 8 << 20): string {
  const dir = mkdtempSync(join(tmpdir(), 'mkits-disk-'));
  disks.push(dir);
  const img = join(dir, 'disk.img');
  writeFileSync(img, '');
  truncateSync(img, bytes);
  execFileSync('sfdisk', ['-q', img], { input: script });
  return img;
}

const GPT_SCRIPT = [
  'label: gpt',
  `start=2048, size=4096, type=${ESP_TYPE}, uuid=${P1}, name="esp"`,
  `start=6144, size=4096, type=${LINUX_TYPE}, uuid=${P2}, name="rootfs"`,
  '',
].join('\n');

/** sysfs + /proc/partitions + nodes for disk NAME (MAJ:0) with partitions 1..n, as the kernel shows them. */
function addDisk(name: string, major: number, parts: { n: number; label?: string }[], opts: { image?: string; blockSize?: number; devPath?: string } = {}) {
  const dev = opts.devPath ?? `/sys/devices/virtual/block/${name}`;
  fr.file(`${dev}/dev`, `${major}:0\n`)
    .file(`${dev}/uevent`, `MAJOR=${major}\nMINOR=0\nDEVNAME=${name}\nDEVTYPE=disk\n`)
    .file(`${dev}/queue/logical_block_size`, `${opts.blockSize ?? 512}\n`)
    .link(`/sys/class/block/${name}`, `../../${dev.slice('/sys/'.length)}`)
    .link(`/sys/dev/block/${major}:0`, `../../${dev.slice('/sys/'.length)}`);
  if (opts.image) copyFileSync(opts.image, fr.disk(`/dev/${name}`));
  else fr.blockdev(`/dev/${name}`, major, 0);
  let partitions = `major minor  #blocks  name\n\n ${major} 0 8192 ${name}\n`;
  for (const p of parts) {
    const pn = `${name}${/\d$/.test(name) ? 'p' : ''}${p.n}`;
    fr.file(`${dev}/${pn}/partition`, `${p.n}\n`)
      .file(`${dev}/${pn}/dev`, `${major}:${p.n}\n`)
      .file(`${dev}/${pn}/uevent`, `MAJOR=${major}\nMINOR=${p.n}\nDEVNAME=${pn}\nDEVTYPE=partition\nPARTN=${p.n}\n${p.label ? `PARTNAME=${p.label}\n` : ''}`)
      .link(`/sys/class/block/${pn}`, `../../${dev.slice('/sys/'.length)}/${pn}`)
      .link(`/sys/dev/block/${major}:${p.n}`, `../../${dev.slice('/sys/'.length)}/${pn}`)
      .blockdev(`/dev/${pn}`, major, p.n);
    partitions += ` ${major} ${p.n} 2048 ${pn}\n`;
  }
  const existing = fr.out('cat /proc/partitions').split('\n').slice(2).filter(Boolean).join('\n');
  fr.file('/proc/partitions', partitions + (existing ? `${existing}\n` : ''));
}

/** blkid that knows nothing (as for a device without a file system). */
const blkidKnowsNothing = () => fr.tool('/usr/sbin/blkid', 'exit 2');
/** util-linux blkid answering `-o export` for each DEV named (every one when none) from its tags. */
const blkidSays = (lines: Record<string, string>) => {
  const record = (dev: string, tags: string): string =>
    [`DEVNAME=${dev}`, ...[...tags.matchAll(/(\w+)="([^"]*)"/g)].map((m) => `${m[1]}=${(m[2] as string).replace(/([\\" ])/g, '\\$1')}`)].join('\n');
  const cases = Object.entries(lines).map(([d, l]) => `${d}) printf '%s\\n\\n' '${record(d, l)}' ;;`).join('\n');
  fr.tool('/usr/sbin/blkid', [
    'case "$1" in -V) echo "blkid from util-linux 2.38.1"; exit 0 ;; esac',
    'devs=; for a; do case "$a" in /dev/null|-*|export) ;; *) devs="$devs $a" ;; esac; done',
    `[ -n "$devs" ] || devs="${Object.keys(lines).join(' ')}"`,
    'st=2; for d in $devs; do case "$d" in', cases, '*) continue ;; esac; st=0; done; exit $st',
  ].join('\n'));
};

describe('hexbytes, le_hex, guid_from_gpt', () => {
  it('le_hex reverses the byte order of a hex string', () => {
    expect(fr.out('le_hex ""; echo; le_hex 01; echo; le_hex 0102; echo; le_hex 0002000000000000; echo; le_hex deadbeef')).toBe('\n01\n0201\n0000000000000200\nefbeadde');
  });

  it('guid_from_gpt turns the EFI system partition type bytes into c12a7328-f81f-11d2-ba4b-00a0c93ec93b', () => {
    // the on-disk (mixed-endian) bytes of the ESP type GUID, as in the UEFI specification
    expect(fr.out('guid_from_gpt 28732ac11ff8d211ba4b00a0c93ec93b')).toBe('c12a7328-f81f-11d2-ba4b-00a0c93ec93b');
  });

  it('hexbytes reads the GPT signature and the type GUIDs sfdisk wrote', () => {
    fr.file('/dev/disk.img', '');
    copyFileSync(sfdiskImage(GPT_SCRIPT), fr.disk('/dev/disk.img'));
    expect(fr.out('hexbytes /dev/disk.img 512 8')).toBe('4546492050415254'); // "EFI PART"
    // entries start at LBA 2 (byte 1024), 128 bytes each; the type GUID is the first 16 bytes
    expect(fr.out('guid_from_gpt "$(hexbytes /dev/disk.img 1024 16)"')).toBe(ESP_TYPE.toLowerCase());
    expect(fr.out('guid_from_gpt "$(hexbytes /dev/disk.img 1152 16)"')).toBe(LINUX_TYPE.toLowerCase());
    expect(fr.out('hexbytes /dev/disk.img 510 2')).toBe('55aa'); // the protective MBR
    expect(fr.out('hexbytes /dev/nonexistent 0 4; echo "[$?]"')).toBe('[0]\n');
  });
});

describe('partuuid_of', () => {
  it('computes the PARTUUID of GPT partitions as sfdisk reports them', () => {
    const img = sfdiskImage(GPT_SCRIPT);
    const oracle = JSON.parse(execFileSync('sfdisk', ['--json', img], { encoding: 'utf8' })) as { partitiontable: { partitions: { uuid: string }[] } };
    addDisk('vdz', 254, [{ n: 1 }, { n: 2 }], { image: img });
    expect(fr.out('partuuid_of vdz1; echo; partuuid_of vdz2')).toBe(`${P1.toLowerCase()}\n${P2.toLowerCase()}`);
    expect(oracle.partitiontable.partitions.map((p) => p.uuid.toLowerCase())).toEqual([P1.toLowerCase(), P2.toLowerCase()]);
  });

  it('a disk (not a partition) has no PARTUUID', () => {
    addDisk('vdz', 254, [{ n: 1 }], { image: sfdiskImage(GPT_SCRIPT) });
    expect(fr.sh('partuuid_of vdz').status).toBe(1);
  });

  it('MBR: the disk signature and the partition number, as blkid prints them (deadbeef-02)', () => {
    const img = sfdiskImage('label: dos\nlabel-id: 0xdeadbeef\nstart=2048, size=2048, type=83\nstart=4096, size=2048, type=83\n');
    expect(execFileSync('blkid', ['-p', '-o', 'value', '-s', 'PTUUID', img], { encoding: 'utf8' }).trim()).toBe('deadbeef');
    addDisk('sdq', 65, [{ n: 1 }, { n: 2 }], { image: img, devPath: '/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sdq' });
    expect(fr.out('partuuid_of sdq1; echo; partuuid_of sdq2')).toBe('deadbeef-01\ndeadbeef-02');
  });

  it('GPT with 4096-byte logical blocks (4Kn disks): the header and entries are found in 4 KiB sectors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkits-4k-'));
    const img = join(dir, '4k.img');
    writeFileSync(img, '');
    truncateSync(img, 32 << 20);
    const loop = execFileSync('losetup', ['-f', '--show', '-b', '4096', img], { encoding: 'utf8' }).trim();
    try {
      execFileSync('sfdisk', ['-q', '--no-reread', loop], { input: `label: gpt\nstart=256, size=1024, uuid=${P1}\nstart=1280, size=1024, uuid=${P2}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch {
      // sfdisk reports the failed re-read of a loop device; the table is written
    } finally {
      execFileSync('losetup', ['-d', loop]);
    }
    try {
      addDisk('nvme9n1', 259, [{ n: 1 }, { n: 2 }], { image: img, blockSize: 4096 });
      expect(fr.out('hexbytes /dev/nvme9n1 4096 8')).toBe('4546492050415254');
      expect(fr.out('partuuid_of nvme9n1p1; echo; partuuid_of nvme9n1p2')).toBe(`${P1.toLowerCase()}\n${P2.toLowerCase()}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('find_device', () => {
  beforeEach(() => {
    addDisk('vdz', 254, [{ n: 1, label: 'esp' }, { n: 2, label: 'rootfs' }], { image: sfdiskImage(GPT_SCRIPT) });
    addDisk('sda', 8, [{ n: 1 }], { devPath: '/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda' });
  });
  const find = (spec: string) => {
    const r = fr.sh(`find_device '${spec}' && echo "$FOUND_DEVICE"`);
    return { status: r.status, dev: r.stdout.trim() };
  };

  it('PARTUUID= (any case, or by-partuuid path) from the partition table when blkid has nothing', () => {
    blkidKnowsNothing();
    expect(find(`PARTUUID=${P1}`)).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find(`PARTUUID=${P2.toLowerCase()}`)).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find(`/dev/disk/by-partuuid/${P2.toLowerCase()}`)).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find('PARTUUID=00000000-0000-0000-0000-000000000000')).toEqual({ status: 1, dev: '' });
  });

  it('PARTUUID= prefers what blkid reports', () => {
    blkidSays({ '/dev/vdz2': 'UUID="x" TYPE="ext4" PARTUUID="11111111-2222-3333-4444-555555555555"' });
    expect(find('PARTUUID=11111111-2222-3333-4444-555555555555')).toEqual({ status: 0, dev: '/dev/vdz2' });
  });

  it('UUID= (case-insensitive) and LABEL= (exact) from blkid; PARTUUID is not mistaken for UUID', () => {
    blkidSays({
      '/dev/vdz1': 'SEC_TYPE="msdos" UUID="ABCD-1234" BLOCK_SIZE="512" TYPE="vfat" PARTLABEL="esp" PARTUUID="01234567-89ab-cdef-0123-456789abcdef"',
      '/dev/vdz2': 'LABEL="rootfs" UUID="3e6be9de-8139-11d1-9106-a43f08d823a6" BLOCK_SIZE="4096" TYPE="ext4" PARTLABEL="rootfs" PARTUUID="a1b2c3d4-e5f6-4718-293a-4b5c6d7e8f90"',
    });
    expect(find('UUID=3E6BE9DE-8139-11D1-9106-A43F08D823A6')).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find('/dev/disk/by-uuid/abcd-1234')).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find('LABEL=rootfs')).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find('/dev/disk/by-label/rootfs')).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find('LABEL=ROOTFS')).toEqual({ status: 1, dev: '' });
    expect(find(`UUID=${P2}`)).toEqual({ status: 1, dev: '' });
    expect(fr.out('for t in "/dev/vdz1 TYPE" "/dev/vdz1 UUID" "/dev/vdz2 PARTUUID"; do blkid_value $t; echo "$BLKID_VALUE"; done')).toBe('vfat\nABCD-1234\na1b2c3d4-e5f6-4718-293a-4b5c6d7e8f90\n');
  });

  it('LABEL= and PARTLABEL= with spaces: udev’s \\x20 escapes, by-label paths, and a quoted root=', () => {
    blkidSays({ '/dev/vdz1': 'LABEL="my root" UUID="ABCD-1234" TYPE="vfat"' });
    fr.file('/sys/devices/virtual/block/vdz/vdz2/uevent', 'MAJOR=254\nMINOR=2\nDEVNAME=vdz2\nDEVTYPE=partition\nPARTN=2\nPARTNAME=linux root\n');
    expect(find('LABEL=my\\x20root')).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find('/dev/disk/by-label/my\\x20root')).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find('LABEL=my root')).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find('LABEL=my\\x20roo')).toEqual({ status: 1, dev: '' });
    expect(find('PARTLABEL=linux\\x20root')).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find('/dev/disk/by-partlabel/linux\\x20root')).toEqual({ status: 0, dev: '/dev/vdz2' });
    // the whole path of /init: quotes on the kernel command line, then the find-root hook
    const hook = (cmdline: string) => fr.out(`CMDLINE=; printf '%s\\n' ${q(cmdline)} >/proc/cmdline; read_cmdline; argval root; find_device "$ARGVAL" && echo "$FOUND_DEVICE"`);
    expect(hook('root="LABEL=my root" ro')).toBe('/dev/vdz1\n');
    expect(hook('"root=PARTLABEL=linux root" ro')).toBe('/dev/vdz2\n');
    expect(hook('root="UUID=abcd-1234"')).toBe('/dev/vdz1\n');
  });

  it('PARTLABEL= from the kernel’s uevent', () => {
    blkidKnowsNothing();
    expect(find('PARTLABEL=rootfs')).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find('/dev/disk/by-partlabel/esp')).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find('PARTLABEL=nope')).toEqual({ status: 1, dev: '' });
  });

  it('/dev/NAME when it is a block device', () => {
    expect(find('/dev/vdz1')).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find('/dev/sda1')).toEqual({ status: 0, dev: '/dev/sda1' });
    expect(find('/dev/vdz9')).toEqual({ status: 1, dev: '' });
    // /dev/vdz is a regular file here (the disk image), not a block device
    expect(find('/dev/vdz')).toEqual({ status: 1, dev: '' });
  });

  it('MAJ:MIN through /sys/dev/block and the uevent DEVNAME', () => {
    expect(find('254:1')).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find('254:2')).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find('8:1')).toEqual({ status: 0, dev: '/dev/sda1' });
    expect(find('254:9')).toEqual({ status: 1, dev: '' });
    expect(find('a:b')).toEqual({ status: 1, dev: '' });
    expect(find('8:-1')).toEqual({ status: 1, dev: '' });
    expect(find(':1')).toEqual({ status: 1, dev: '' });
  });

  it('the old hexadecimal MMmm form: 0801 and 801 are 8:1, fe01/FE01 is 254:1', () => {
    expect(find('0801')).toEqual({ status: 0, dev: '/dev/sda1' });
    expect(find('801')).toEqual({ status: 0, dev: '/dev/sda1' });
    expect(find('fe01')).toEqual({ status: 0, dev: '/dev/vdz1' });
    expect(find('FE02')).toEqual({ status: 0, dev: '/dev/vdz2' });
    expect(find('fe09')).toEqual({ status: 1, dev: '' });
    expect(find('fg01')).toEqual({ status: 1, dev: '' });
  });

  it('anything else is not found', () => {
    for (const spec of ['', 'ZFS=rpool/root', 'nfs:server:/x', 'vdz1']) expect(find(spec).status, spec).toBe(1);
  });

  it('the initqueue hook sets ROOT_DEV and ROOT_FSTYPE (rootfstype= wins over blkid), or reports a missing root=', () => {
    blkidSays({ '/dev/vdz2': 'UUID="u" TYPE="ext4"' });
    const hook = '. /lib/mkinitramfs-ts/hooks/initqueue/50-rootfs-block-find-root.sh; echo "$ROOT_DEV|$ROOT_FSTYPE"';
    const emergency = 'emergency() { echo "EMERGENCY: $1"; exit 0; }\n';
    expect(fr.out(`CMDLINE=" root=PARTUUID=${P2}"\n${emergency}${hook}`)).toBe('/dev/vdz2|ext4\n');
    expect(fr.out(`CMDLINE=" root=PARTUUID=${P2} rootfstype=xfs"\n${emergency}${hook}`)).toBe('/dev/vdz2|xfs\n');
    expect(fr.out(`CMDLINE=" root=PARTUUID=00000000-0000-0000-0000-000000000000"\n${emergency}${hook}`)).toBe('|\n');
    expect(fr.out(`CMDLINE=" quiet"\n${emergency}${hook}`)).toMatch(/^EMERGENCY: no root= on the kernel command line/);
  });
});
