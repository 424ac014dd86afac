// A sysroot without busybox (Debian without busybox-static) gets the userspace feature: its dash as
// /bin/sh, util-linux, kmod with its links, coreutils, and kmod's binary indexes made by depmod, which
// the build machine's kmod reads from the extracted image exactly as the image's modprobe will.
// A sysroot with busybox keeps its image as before: busybox applets, text indexes only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/build-image.js';
import { busyboxlessSysroot } from '../support/busyboxless-sysroot.js';
import { buildSysroot, kver } from '../support/fixtures.js';
import { modprobeConfigArgs } from '../support/modprobe-config.js';

interface JsonEntry {
  path: string;
  type: string;
  target?: string;
  source?: string;
  reasons: { why: string }[];
}

const scratch = mkdtempSync(join(tmpdir(), 'mkinitramfs-fallback-'));
let copy: { root: string; remove: () => void };
let entries = new Map<string, JsonEntry>();
let extracted = '';

const planOf = (sysroot: string, extra: string[] = []): JsonEntry[] =>
  (JSON.parse(runCli(['build', '--sysroot', sysroot, '--kver', kver(), '-N', '--dry-run', '--json', ...extra])) as { entries: JsonEntry[] }).entries;

beforeAll(() => {
  copy = busyboxlessSysroot();
  entries = new Map(planOf(copy.root).map((e) => [e.path, e]));
  const image = join(scratch, 'fallback.img');
  runCli(['build', '--sysroot', copy.root, '--kver', kver(), '-N', '--compress', 'zstd', '-o', image]);
  extracted = join(scratch, 'root');
  runCli(['extract', image, extracted]);
}, 300_000);
afterAll(() => {
  copy?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const mods = (): string => `/lib/modules/${kver()}`;

describe('image of a sysroot without busybox', () => {
  it('holds dash as /bin/sh, util-linux, kmod and its links, coreutils; no busybox', () => {
    expect(entries.get('/usr/bin/sh')).toMatchObject({ type: 'symlink', target: 'dash' });
    expect(entries.get('/usr/bin/dash')?.type).toBe('file');
    expect(entries.get('/usr/bin/kmod')?.type).toBe('file');
    for (const l of ['modprobe', 'insmod', 'lsmod']) expect(entries.get(`/usr/sbin/${l}`), l).toMatchObject({ type: 'symlink', target: '/usr/bin/kmod' });
    for (const f of ['/usr/sbin/blkid', '/usr/bin/mount', '/usr/bin/umount', '/usr/sbin/switch_root', '/usr/bin/setsid', '/usr/bin/dmesg', '/usr/bin/sed', '/usr/bin/grep', '/usr/bin/find', '/usr/bin/od'])
      expect(entries.get(f)?.type, f).toBe('file');
    // their libraries came along (kmod: liblzma, libzstd, libcrypto; util-linux: libblkid, libmount)
    for (const lib of ['libc.so.6', 'libblkid.so.1', 'libmount.so.1', 'liblzma.so.5', 'libzstd.so.1'])
      expect([...entries.keys()].some((p) => p.endsWith(`/${lib}`)), lib).toBe(true);
    expect([...entries.values()].filter((e) => [e.path, e.source, e.target].some((p) => p !== undefined && /(^|\/)busybox$/.test(p)))).toEqual([]);
    // systemd's reboot/poweroff (systemctl) would not work here: the image's are sysrq scripts
    expect(entries.get('/usr/sbin/reboot')?.source).toBeUndefined();
    expect(readFileSync(join(extracted, 'usr/sbin/reboot'), 'utf8')).toContain('echo b >/proc/sysrq-trigger');
    expect(readFileSync(join(extracted, 'usr/sbin/poweroff'), 'utf8')).toContain('echo o >/proc/sysrq-trigger');
  });

  it("holds kmod's binary indexes, made by depmod", () => {
    for (const f of ['modules.dep.bin', 'modules.alias.bin', 'modules.symbols.bin', 'modules.builtin.bin', 'modules.builtin.alias.bin']) {
      const e = entries.get(`/usr${mods()}/${f}`);
      expect(e?.reasons.map((r) => r.why), f).toEqual(['generated: kmod binary index (depmod)']);
    }
  });

  it("the build machine's kmod resolves ext4, a PCI alias and every module of the image from the extracted image", () => {
    const show = execFileSync('modprobe', [...modprobeConfigArgs(extracted), '-D', '-d', extracted, '-S', kver(), 'ext4'], { encoding: 'utf8' });
    const loads = show.split('\n').filter((l) => l.startsWith('insmod '));
    expect(loads.at(-1)).toMatch(new RegExp(`^insmod ${extracted}/lib/modules/${kver()}/kernel/fs/ext4/ext4\\.ko`));
    expect(loads.some((l) => l.includes('/kernel/fs/jbd2/jbd2.ko'))).toBe(true);
    for (const l of loads) expect(existsSync(l.split(' ')[1] as string), l).toBe(true);
    // virtio-blk's PCI function: an alias only modules.alias.bin answers
    const alias = execFileSync('modprobe', [...modprobeConfigArgs(extracted), '-R', '-d', extracted, '-S', kver(), 'pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00'], { encoding: 'utf8' });
    expect(alias.trim()).toBe('virtio_pci');
    // every module of the image's text modules.dep is found by kmod with its dependencies inside the image
    const dep = readFileSync(join(extracted, `lib/modules/${kver()}/modules.dep`), 'utf8').trim().split('\n');
    const names = dep.map((l) => (l.split(':')[0] as string).replace(/^.*\//, '').replace(/\.ko(\..*)?$/, ''));
    expect(names.length).toBeGreaterThan(100);
    const all = execFileSync('modprobe', [...modprobeConfigArgs(extracted), '-D', '-a', '-d', extracted, '-S', kver(), ...names], { encoding: 'utf8' });
    const files = new Set(all.split('\n').filter((l) => l.startsWith('insmod ')).map((l) => (l.split(' ')[1] as string).slice(`${extracted}/lib/modules/${kver()}/`.length)));
    expect([...files].sort()).toEqual(dep.map((l) => l.split(':')[0] as string).sort());
  });

  it('a sysroot with neither busybox nor sh is refused, naming sh', () => {
    const bare = busyboxlessSysroot(['usr/bin/sh']);
    try {
      const r = spawnSync(process.execPath, [CLI, 'build', '--sysroot', bare.root, '--kver', kver(), '-N', '--dry-run'], { encoding: 'utf8' });
      expect(r.status).toBe(13);
      expect(r.stderr).toMatch(/feature userspace needs 'sh'/);
    } finally {
      bare.remove();
    }
  });

  it('leaving the userspace feature out of a busybox-less build is refused: no /bin/sh', () => {
    const r = spawnSync(process.execPath, [CLI, 'build', '--sysroot', copy.root, '--kver', kver(), '-N', '--dry-run', '--omit', 'userspace'], { encoding: 'utf8' });
    expect(r.status).toBe(13);
    expect(r.stderr).toMatch(/the image has no \/bin\/sh to run \/init/);
  });
});

describe('image of a sysroot with busybox', () => {
  it('is busybox as before: applets, no userspace tools, no binary indexes', () => {
    const plan = new Map(planOf(buildSysroot()).map((e) => [e.path, e]));
    expect(plan.get('/usr/bin/busybox')?.type).toBe('file');
    expect(plan.get('/usr/bin/sh')).toMatchObject({ type: 'symlink', target: '/usr/bin/busybox' });
    expect(plan.get('/usr/sbin/modprobe')).toMatchObject({ type: 'symlink', target: '/usr/bin/busybox' });
    expect(plan.has('/usr/bin/kmod')).toBe(false);
    expect(plan.has('/usr/bin/dash')).toBe(false);
    expect([...plan.keys()].filter((p) => p.endsWith('.bin'))).toEqual([]);
    expect([...plan.values()].filter((e) => e.reasons.some((r) => r.why.includes('userspace')))).toEqual([]);
  });
});
