// Proves the boot harness and the test disks on the real Debian kernel WITHOUT the generator: a
// minimal initramfs made here with GNU cpio (busybox + the fixture's storage/ext4 modules + an /init
// that insmods them and switch_roots) boots each disk kind on each bus, and the failure paths
// (timeout, abort, kernel panic) kill qemu and say so.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chooseAccel } from '../support/accel.js';
import { gptDiskArtifact, markerRootDiskArtifact, systemdRootDiskArtifact } from '../support/disks.js';
import { kernelImage } from '../support/fixtures.js';
import { buildMiniInitramfs } from '../support/mini-initramfs.js';
import {
  bootVm,
  INIT_STARTED,
  KERNEL_PANIC,
  KERNEL_STARTED,
  kernelCommandLine,
  markerMs,
  qemuArgs,
  type BootResult,
  type DiskBus,
} from '../support/qemu.js';
import { liveChildCount } from '../support/qemu/live-children.js';
import { SerialWatch } from '../support/qemu/serial-watch.js';

const MARKER_FS = { uuid: '3f7c1d2e-9a4b-4c5d-8e6f-0a1b2c3d4e5f', label: 'harness', marker: 'harness' };
const GPT = {
  partUuid: '6a1f9d3c-2b4e-4f5a-9c8d-7e6f5a4b3c2d',
  partLabel: 'harness-root',
  fsUuid: '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a',
  marker: 'gpt',
};
const SYSTEMD = { uuid: 'b6f1c2d3-4e5f-4a6b-9c7d-8e9f0a1b2c3d', label: 'sysroot' };
const MINI_INIT_FAILED = /mini-initramfs: FAILED/;

// What each bus needs in the mini initramfs, and the disk the guest kernel names.
const BUSES: Record<DiskBus, { modules: string[]; device: string }> = {
  'virtio-blk': { modules: ['virtio_pci', 'virtio_blk'], device: '/dev/vda' },
  ahci: { modules: ['ahci', 'sd_mod'], device: '/dev/sda' },
  'virtio-scsi': { modules: ['virtio_pci', 'virtio_scsi', 'sd_mod'], device: '/dev/sda' },
  nvme: { modules: ['nvme'], device: '/dev/nvme0n1' },
  usb: { modules: ['xhci_pci', 'usb_storage', 'sd_mod'], device: '/dev/sda' },
  ide: { modules: ['ata_piix', 'sd_mod'], device: '/dev/sda' },
};

let workDir: string;
let initrd: string;
let markerDisk: string;
let gptDiskFile: string;
let systemdDisk: string;

function report(what: string, result: BootResult): void {
  const at = (re: RegExp): string => `${markerMs(result, re) ?? '-'} ms`;
  console.log(
    `${what} [${result.accel}]: kernel ${at(KERNEL_STARTED)}, /init ${at(INIT_STARTED)}, ` +
      `${result.timeline.at(-1)?.label} ${result.timeline.at(-1)?.ms} ms, qemu ran ${result.durationMs} ms`,
  );
}

beforeAll(async () => {
  const accel = await chooseAccel();
  console.log(`accelerator: ${accel.kind} (${accel.reason}${accel.cached ? ', cached' : ''}, probe ${accel.probeMs ?? 0} ms)`);
  workDir = mkdtempSync(join(tmpdir(), 'harness-test-'));
  initrd = join(workDir, 'mini.cpio');
  const modules = [...new Set([...Object.values(BUSES).flatMap((b) => b.modules), 'ext4'])];
  const loaded = buildMiniInitramfs(initrd, modules);
  expect(loaded.map((f) => f.split('/').pop())).toEqual(expect.arrayContaining(['virtio_blk.ko', 'jbd2.ko', 'ext4.ko']));
  const disks = await Promise.all([
    markerRootDiskArtifact(MARKER_FS),
    gptDiskArtifact(GPT),
    systemdRootDiskArtifact(SYSTEMD),
  ]);
  for (const d of disks) console.log(`disk ${d.path}: ${d.built ? 'built' : 'cached'} in ${d.ms} ms`);
  [markerDisk, gptDiskFile, systemdDisk] = disks.map((d) => d.path) as [string, string, string];
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  expect(liveChildCount()).toBe(0);
});

describe('pure parts', () => {
  test('the kernel command line gets console=ttyS0 and panic=-1 unless it names its own', () => {
    expect(kernelCommandLine('root=/dev/vda ro')).toBe('root=/dev/vda ro console=ttyS0 panic=-1');
    expect(kernelCommandLine(' console=tty0  panic=10 ')).toBe('console=tty0 panic=10');
  });

  test('disks are snapshotted unless asked otherwise, one controller per bus, ide only on pc', () => {
    const accel = { kind: 'tcg' as const, args: [], reason: 'test' };
    const args = qemuArgs(
      {
        kernel: 'k',
        until: [],
        timeoutMs: 1,
        disks: [
          { file: 'a,b.img', bus: 'ahci' },
          { file: 'c.img', bus: 'ahci', snapshot: false, serial: 'S1' },
          { file: 'd.img', bus: 'nvme' },
        ],
      },
      accel,
    );
    expect(args.join(' ')).toContain('-machine q35');
    expect(args.filter((a) => a === 'ahci,id=ahci0')).toHaveLength(1);
    expect(args).toContain('file=a,,b.img,if=none,id=disk0,format=raw,snapshot=on');
    expect(args).toContain('file=c.img,if=none,id=disk1,format=raw,snapshot=off');
    expect(args).toContain('ide-hd,drive=disk1,bus=ahci0.1,serial=S1');
    expect(args).toContain('nvme,drive=disk2,serial=nvme0');
    expect(qemuArgs({ kernel: 'k', until: [], timeoutMs: 1, disks: [{ file: 'x', bus: 'ide' }] }, accel)).toContain('pc');
    expect(() => qemuArgs({ kernel: 'k', until: [], timeoutMs: 1, machine: 'q35', disks: [{ file: 'x', bus: 'ide' }] }, accel)).toThrow(
      /machine 'pc'/,
    );
  });

  test('the serial watch types each input once, in order, after its own prompt', () => {
    const watch = new SerialWatch({
      until: [/MARKER:done/],
      failOn: [],
      watch: [],
      input: [
        { when: /Passphrase: /, send: 'wrong\n' },
        { when: /Passphrase: /, send: 'right\n' },
      ],
    });
    expect(watch.push('boot\nPassphrase: ', 10).map((i) => i.send)).toEqual(['wrong\n']);
    expect(watch.push('', 11).map((i) => i.send)).toEqual([]);
    expect(watch.push('\nNo key available.\nPass', 20).map((i) => i.send)).toEqual([]);
    expect(watch.push('phrase: ', 30).map((i) => i.send)).toEqual(['right\n']);
    expect(watch.allSeen).toBe(false);
    watch.push('\nMARK', 40);
    watch.push('ER:done\n', 50);
    expect(watch.allSeen).toBe(true);
    expect(watch.timeline).toEqual([{ label: 'MARKER:done', ms: 50 }]);
  });
});

describe.concurrent('booting the marker disk on every bus', () => {
  for (const [bus, { device }] of Object.entries(BUSES) as [DiskBus, (typeof BUSES)[DiskBus]][]) {
    test(`${bus}: root ${device}`, { timeout: 180_000 }, async ({ signal }) => {
      const result = await bootVm({
        kernel: kernelImage(),
        initrd,
        append: `root=${device}`,
        disks: [{ file: markerDisk, bus }],
        until: [new RegExp(`MARKER:harness root=${device} fstype=ext4 options=rw`)],
        failOn: [MINI_INIT_FAILED],
        timeoutMs: 150_000,
        signal,
      });
      report(`marker disk on ${bus}`, result);
      expect(result.matched, result.logFile).toBe(true);
      expect(result.timedOut).toBe(false);
      expect(result.exitCode).toBe(0); // the guest powered itself off
      expect(result.log).toContain(`CMDLINE:root=${device} console=ttyS0 panic=-1`);
      const [kernel, init] = [KERNEL_STARTED, INIT_STARTED].map((re) => markerMs(result, re));
      expect(result.timeline.at(-1)?.label).toMatch(/^MARKER:harness/);
      expect(kernel).toBeLessThan(init!);
      expect(init).toBeLessThan(result.timeline.at(-1)!.ms);
    });
  }
});

describe('other disks', () => {
  test('the GPT disk has the partition and filesystem it was asked for, and boots from partition 1', { timeout: 180_000 }, async ({ signal }) => {
    const table = JSON.parse(execFileSync('sfdisk', ['--json', gptDiskFile], { encoding: 'utf8' })) as {
      partitiontable: { label: string; partitions: { start: number; uuid: string; name: string }[] };
    };
    expect(table.partitiontable.label).toBe('gpt');
    const [part] = table.partitiontable.partitions;
    expect(part?.uuid.toLowerCase()).toBe(GPT.partUuid);
    expect(part?.name).toBe(GPT.partLabel);
    const probe = execFileSync('blkid', ['-p', '-o', 'export', '-O', String(part!.start * 512), gptDiskFile], { encoding: 'utf8' });
    expect(probe).toContain(`UUID=${GPT.fsUuid}`);
    expect(probe).toContain('TYPE=ext4');

    const result = await bootVm({
      kernel: kernelImage(),
      initrd,
      append: 'root=/dev/vda1',
      disks: [{ file: gptDiskFile, bus: 'virtio-blk' }],
      until: [/MARKER:gpt root=\/dev\/vda1 fstype=ext4/],
      failOn: [MINI_INIT_FAILED],
      timeoutMs: 150_000,
      signal,
    });
    report('GPT disk', result);
    expect(result.matched, result.logFile).toBe(true);
  });

  test('the systemd root reaches multi-user.target and powers off', { timeout: 420_000 }, async ({ signal }) => {
    const result = await bootVm({
      kernel: kernelImage(),
      initrd,
      // ro, as a real initramfs mounts it: systemd then fscks and remounts it rw per /etc/fstab.
      append: 'root=/dev/vda ro',
      disks: [{ file: systemdDisk, bus: 'virtio-blk' }],
      until: [/MARKER:systemd multi-user reached/, /MARKER-STATE: [^\n]*\n/],
      failOn: [MINI_INIT_FAILED, /MARKER:systemd multi-user NOT reached/],
      watch: [/Welcome to .*Debian/, /Reached target .*Multi-User System/],
      timeoutMs: 400_000,
      graceMs: 15_000,
      signal,
    });
    report('systemd root', result);
    const complaints = result.log.split('\n').filter((l) => /MARKER-|Failed|FAILED|systemd\[1\]: .*(fail|warn)/i.test(l));
    console.log(`systemd said:\n  ${complaints.join('\n  ')}`);
    expect(result.matched, result.logFile).toBe(true);
    expect(result.log).toMatch(/MARKER-STATE: system=\S+ root=\/dev\/vda +ext4 +rw/);
    expect(result.log).not.toContain('MARKER-FAILED:');
  });
});

describe('failure paths', () => {
  test('a marker that never comes: qemu is killed at the hard timeout and the result says so', { timeout: 60_000 }, async () => {
    const started = Date.now();
    const result = await bootVm({
      kernel: kernelImage(),
      initrd,
      // A shell as PID 1 waits on the console for ever: only the harness can end this VM.
      append: 'rdinit=/bin/sh',
      until: [/this marker never appears/],
      watch: [INIT_STARTED],
      timeoutMs: 20_000,
    });
    expect(result.timedOut).toBe(true);
    expect(result.matched).toBe(false);
    expect(result.exitSignal).toBe('SIGKILL');
    expect(markerMs(result, INIT_STARTED)).toBeDefined(); // it was running, not dead before the deadline
    expect(result.durationMs).toBeGreaterThanOrEqual(20_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.logFile).toBeDefined(); // a failed boot keeps its log
    rmSync(result.logFile!, { force: true });
    expect(() => process.kill(result.pid!, 0)).toThrow(/ESRCH/);
  });

  test('an aborted test kills its VM', { timeout: 60_000 }, async () => {
    const abort = new AbortController();
    const booting = bootVm({
      kernel: kernelImage(),
      initrd,
      until: [/this marker never appears/],
      watch: [KERNEL_STARTED],
      timeoutMs: 50_000,
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 3_000);
    const result = await booting;
    expect(result.aborted).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.durationMs).toBeLessThan(20_000);
    rmSync(result.logFile!, { force: true });
    expect(() => process.kill(result.pid!, 0)).toThrow(/ESRCH/);
  });

  test('input typed on the serial console reaches the guest', { timeout: 120_000 }, async ({ signal }) => {
    const result = await bootVm({
      kernel: kernelImage(),
      initrd,
      append: 'rdinit=/bin/sh',
      // The guest must run the command for 42 to appear: the echoed input only shows $((6*7)).
      input: [{ when: /\/ # /, send: 'echo TYPED-$((6*7)); poweroff -f\n' }],
      until: [/TYPED-42/],
      timeoutMs: 100_000,
      signal,
    });
    expect(result.matched, result.logFile).toBe(true);
    expect(result.exitCode).toBe(0);
  });

  test('a kernel panic (no initramfs, no root) ends the boot as failed', { timeout: 120_000 }, async ({ signal }) => {
    const result = await bootVm({ kernel: kernelImage(), until: [/this marker never appears/], timeoutMs: 100_000, signal });
    expect(result.matched).toBe(false);
    expect(result.timedOut).toBe(false);
    expect(result.failedOn).toBe(KERNEL_PANIC.source);
    expect(result.log).toMatch(/VFS: Unable to mount root fs/);
    rmSync(result.logFile!, { force: true });
  });
});
