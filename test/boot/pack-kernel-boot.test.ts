// The real Debian kernel unpacks what the packer writes: for every compression format, QEMU (TCG)
// boots an image whose /init checks hard links, device nodes, symlinks, UTF-8 names, the root "."
// entry's mode, mtimes and the early (uncompressed) archive in front, then prints a marker.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompressFormat } from '../../src/compress/compress-spec.js';
import { packImage } from '../../src/pack/pack-image.js';
import type { PlanEntry } from '../../src/assemble/plan.js';
import { busyboxRoot, kernelImage } from '../support/fixtures.js';

const MTIME = 1_600_000_000;
const scratch = mkdtempSync(join(tmpdir(), 'mkinitramfs-boot-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const r = [{ why: 'boot test' }];
const INIT = `#!/bin/busybox sh
export PATH=/bin
hard=no; [ "$(stat -c %i /bin/busybox)" = "$(stat -c %i /bin/hl)" ] && hard=yes
echo "PACKTEST hard=$hard nlink=$(stat -c %h /bin/hl) size=$(stat -c %s /bin/busybox)" \\
  "null=$(stat -c %F:%t:%T /dev/pack-null | tr ' ' _) vda=$(stat -c %F:%t:%T:%a /dev/pack-vda | tr ' ' _)" \\
  "sh=$(readlink /bin/sh) utf8=$(cat /etc/grüße) empty=$(stat -c %s /etc/empty)" \\
  "root=$(stat -c %a /) mtime=$(stat -c %Y /etc/grüße) dirmtime=$(stat -c %Y /etc)" \\
  "early=$(cat /kernel/x86/microcode/GenuineIntel.bin 2>/dev/null || echo none) PACKEND"
poweroff -f
`;

function plan(withEarly: boolean) {
  const entries: PlanEntry[] = [
    { type: 'dir', path: '/', mode: 0o700, reasons: r },
    { type: 'dir', path: '/bin', mode: 0o755, reasons: r },
    { type: 'file', path: '/bin/busybox', mode: 0o755, source: join(busyboxRoot(), 'bin/busybox'), reasons: r },
    { type: 'hardlink', path: '/bin/hl', target: '/bin/busybox', reasons: r },
    ...['poweroff', 'readlink', 'sh', 'stat', 'cat', 'tr'].map((name): PlanEntry => ({ type: 'symlink', path: `/bin/${name}`, target: 'busybox', reasons: r })),
    { type: 'dir', path: '/dev', mode: 0o755, reasons: r },
    { type: 'chardev', path: '/dev/pack-null', mode: 0o666, major: 1, minor: 3, reasons: r },
    { type: 'blockdev', path: '/dev/pack-vda', mode: 0o640, major: 254, minor: 16, reasons: r },
    { type: 'dir', path: '/etc', mode: 0o755, reasons: r },
    { type: 'file', path: '/etc/empty', mode: 0o644, content: '', reasons: r },
    { type: 'file', path: '/etc/grüße', mode: 0o644, content: 'hällo', reasons: r },
    { type: 'file', path: '/init', mode: 0o755, content: INIT, reasons: r },
  ];
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const early: PlanEntry[] = withEarly
    ? [
        { type: 'dir', path: '/kernel', mode: 0o755, reasons: r },
        { type: 'dir', path: '/kernel/x86', mode: 0o755, reasons: r },
        { type: 'dir', path: '/kernel/x86/microcode', mode: 0o755, reasons: r },
        { type: 'file', path: '/kernel/x86/microcode/GenuineIntel.bin', mode: 0o644, content: 'not-really-microcode', reasons: r },
      ]
    : [];
  return { kver: 'test', entries, early, warnings: [], notes: [] };
}

function boot(initrd: string): Promise<string> {
  return new Promise((resolve) => {
    const args = ['-accel', 'tcg', '-cpu', 'max', '-m', '512M', '-kernel', kernelImage(), '-initrd', initrd,
      '-append', 'console=ttyS0 panic=-1 loglevel=4', '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-no-reboot'];
    const qemu = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Collect bytes and decode once: a chunk boundary can split a UTF-8 character (the 'ä' of the name under test).
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    qemu.stdout.on('data', (d: Buffer) => stdout.push(d));
    qemu.stderr.on('data', (d: Buffer) => stderr.push(d));
    const timer = setTimeout(() => qemu.kill('SIGKILL'), 150_000);
    qemu.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat([...stdout, ...stderr]).toString('utf8'));
    });
  });
}

const cases: Array<[CompressFormat, boolean]> = [
  ['zstd', true],
  ['gzip', false],
  ['xz', true],
  ['lz4', false],
  ['none', true],
];

describe('the real kernel boots packed images', () => {
  it.each(cases)('%s (early archive in front: %s)', { timeout: 200_000 }, async (format, withEarly) => {
    const image = await packImage(plan(withEarly), { mtime: MTIME, compression: { format } });
    const path = join(scratch, `initrd.${format}`);
    writeFileSync(path, Buffer.concat(image.parts));
    const console = await boot(path);
    const line = /PACKTEST (.*) PACKEND/.exec(console)?.[1];
    expect(line, console.slice(-3000)).toBeDefined();
    expect(Object.fromEntries((line ?? '').split(' ').map((kv) => kv.split('=') as [string, string]))).toEqual({
      hard: 'yes',
      nlink: '2',
      size: '1982256',
      null: 'character_special_file:1:3',
      vda: 'block_special_file:fe:10:640',
      sh: 'busybox',
      utf8: 'hällo',
      empty: '0',
      root: '700',
      mtime: String(MTIME),
      dirmtime: String(MTIME),
      early: withEarly ? 'not-really-microcode' : 'none',
    });
    expect(console).not.toMatch(/Initramfs unpacking failed|junk|broken padding/);
  });
});
