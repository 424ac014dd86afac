// A fresh Debian root unpacked from test/fixtures/distro-roots.sh's tarball (distro/SUITE.tar:
// mmdebstrap minbase with apt's lists and the .debs our package and the kernel need), and commands
// run in it as an administrator would: chroot with /proc, /sys and /dev, in a private mount namespace
// so that the mounts end with the command and never outlive it on this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './fixtures.js';

export type Suite = 'bookworm' | 'trixie';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const _IN_CHROOT = `root=$1; shift
mount --rbind /dev "$root/dev"; mount -t proc proc "$root/proc"; mount --rbind /sys "$root/sys"
exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"`;

export class DistroRoot {
  private constructor(
    readonly suite: Suite,
    /** The root on this machine. */
    readonly dir: string,
  ) {}

  /** Unpack a fresh root of `suite` into a new temporary directory. */
  static unpack(suite: Suite): DistroRoot {
    const tar = join(FIXTURES, 'distro', `${suite}.tar`);
    if (!existsSync(tar)) throw new Error(`test fixture ${tar} is missing: run 'bash test/fixtures/fetch.sh' first`);
    const dir = join(mkdtempSync(join(tmpdir(), `mkits-${suite}-`)), 'root');
    execFileSync('mkdir', [dir]);
    execFileSync('tar', ['-xf', tar, '-C', dir]);
    // apt reaches the network only for a .deb the cache lacks (a newer one than the fixture's)
    copyFileSync('/etc/resolv.conf', join(dir, 'etc/resolv.conf'));
    return new DistroRoot(suite, dir);
  }

  /** Run `command` inside the root (chroot, /proc /sys /dev mounted for it alone). */
  run(command: string[], timeoutMs = 900_000): CommandResult {
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-ec', _IN_CHROOT, 'in-chroot', this.dir, ...command], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      timeout: timeoutMs,
    });
    return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
  }

  path(inside: string): string {
    return join(this.dir, inside);
  }

  /** Remove the root; refuses while anything is mounted inside it (that would reach the host's /dev). */
  remove(): void {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4]?.startsWith(this.dir));
    if (mounts.length > 0) throw new Error(`not removing ${this.dir}: still mounted inside it:\n${mounts.join('\n')}`);
    rmSync(join(this.dir, '..'), { recursive: true, force: true });
  }
}
