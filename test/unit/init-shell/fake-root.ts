// A throw-away root for running the boot-time shell under the fixture busybox, chrooted, so the
// scripts read exactly the paths they hard-code (/proc/cmdline, /etc/cmdline.d, /sys/class/block,
// /proc/partitions, /dev) from files the test wrote — nothing of the build machine, nothing edited.
// The layout is the image's: merged /usr, busybox applet links, the feature files at their image paths.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { busyboxRoot } from '../../support/fixtures.js';

export interface ShellResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The feature files the shell tests source, at their image paths. */
const LIBS: Record<string, string> = {
  '/usr/lib/mkinitramfs-ts/functions.sh': 'base/functions.sh',
  '/usr/lib/mkinitramfs-ts/emergency.sh': 'base/emergency.sh',
  '/usr/lib/mkinitramfs-ts/root-device.sh': 'rootfs-block/root-device.sh',
  '/usr/lib/mkinitramfs-ts/hooks/initqueue/50-rootfs-block-find-root.sh': 'rootfs-block/find-root.sh',
  '/usr/lib/mkinitramfs-ts/hooks/mount/50-rootfs-block-mount-root.sh': 'rootfs-block/mount-root.sh',
};

export class FakeRoot {
  private constructor(readonly root: string) {}

  static create(): FakeRoot {
    if (process.getuid?.() !== 0) throw new Error('the init-shell tests chroot into a fake root: run them as root');
    const r = new FakeRoot(mkdtempSync(join(tmpdir(), 'mkits-initsh-')));
    const bb = join(busyboxRoot(), 'bin/busybox');
    r.dir('/usr/bin').dir('/usr/sbin').dir('/usr/lib').dir('/proc').dir('/sys').dir('/dev').dir('/run').dir('/etc').dir('/tmp');
    for (const [top, t] of [['/bin', 'usr/bin'], ['/sbin', 'usr/sbin'], ['/lib', 'usr/lib']]) symlinkSync(t as string, r.disk(top as string));
    copyFileSync(bb, r.disk('/usr/bin/busybox'));
    chmodSync(r.disk('/usr/bin/busybox'), 0o755);
    for (const applet of execFileSync(bb, ['--list'], { encoding: 'utf8' }).split('\n')) {
      if (applet && applet !== 'busybox') symlinkSync('busybox', r.disk(`/usr/bin/${applet}`));
    }
    for (const [path, src] of Object.entries(LIBS)) copyFileSync(join(BUILTIN_MODULES_D, src), r.mkparent(path));
    r.file('/proc/cmdline', '\n');
    r.file('/proc/partitions', 'major minor  #blocks  name\n\n');
    return r;
  }

  disk(path: string): string {
    return join(this.root, path);
  }

  private mkparent(path: string): string {
    mkdirSync(dirname(this.disk(path)), { recursive: true });
    return this.disk(path);
  }

  dir(path: string): this {
    mkdirSync(this.disk(path), { recursive: true });
    return this;
  }

  file(path: string, content: string | Buffer): this {
    writeFileSync(this.mkparent(path), content);
    return this;
  }

  /** A symlink; `target` as written (relative or absolute inside the fake root). */
  link(path: string, target: string): this {
    symlinkSync(target, this.mkparent(path));
    return this;
  }

  /** An executable shell script replacing a tool (blkid, modprobe, mount ...). */
  tool(path: string, body: string): this {
    rmSync(this.disk(path), { force: true });
    this.file(path, `#!/bin/sh\n${body}\n`);
    chmodSync(this.disk(path), 0o755);
    return this;
  }

  /** A block device node (mknod works here: the tests run as root). */
  blockdev(path: string, major: number, minor: number): this {
    this.mkparent(path);
    execFileSync('mknod', [this.disk(path), 'b', String(major), String(minor)]);
    return this;
  }

  /** Run `script` with busybox sh inside the fake root; functions.sh and root-device.sh are sourced first. */
  sh(script: string, env: Record<string, string> = {}): ShellResult {
    const prelude = '. /lib/mkinitramfs-ts/functions.sh\n. /lib/mkinitramfs-ts/root-device.sh\n';
    const r = spawnSync('chroot', [this.root, '/usr/bin/busybox', 'sh', '-c', prelude + script], {
      encoding: 'utf8',
      env: { PATH: '/usr/sbin:/usr/bin', ...env },
      timeout: 20_000,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** stdout of `script`, which must succeed. */
  out(script: string, env: Record<string, string> = {}): string {
    const r = this.sh(script, env);
    if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}\nscript:\n${script}`);
    return r.stdout;
  }

  exists(path: string): boolean {
    return spawnSync('test', ['-e', this.disk(path)]).status === 0;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Quote a value for a sh single-quoted string. */
export const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
