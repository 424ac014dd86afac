// A throw-away root for running the boot-time shell under the fixture busybox, chrooted, so the
// scripts read exactly the paths they hard-code (/proc/cmdline, /etc/cmdline.d, /sys/class/block,
// /proc/partitions, /dev) from files the test wrote — nothing of the build machine, nothing edited.
// The layout is the image's: merged /usr, busybox applet links, the feature files at their image paths.
// `{ shell: 'dash' }` makes the root of a busybox-less image instead (the userspace feature): dash as
// sh, kmod as modprobe, coreutils and friends, each with its libraries (this machine's Debian 12
// programs, the same release as the sysroot images are built from).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { hookPath, INIT_LIB_DIR } from '../../../src/boot-contract.js';
import { canonicalImagePath } from '../../../src/assemble/image-layout.js';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';
import { parseManifest } from '../../../src/features/manifest.js';
import { busyboxRoot } from '../../support/fixtures.js';

export interface ShellResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The feature files the shell tests source, at their image paths: the shell library of base and
 *  rootfs-block (where their manifests install it) and rootfs-block's hooks (where the generator puts them). */
const LIBS: Record<string, string> = Object.fromEntries(
  ['base', 'rootfs-block'].flatMap((name) => {
    const dir = join(BUILTIN_MODULES_D, name);
    const m = parseManifest(readFileSync(join(dir, 'module.toml'), 'utf8'), name, dir, join(dir, 'module.toml'));
    return [
      ...m.files.filter((f) => f.source?.endsWith('.sh') && f.path.startsWith(`${INIT_LIB_DIR}/`)).map((f) => [canonicalImagePath(f.path), `${name}/${f.source}`]),
      ...m.hooks.map((h) => [canonicalImagePath(hookPath(h.stage, h.order, name, h.script)), `${name}/${h.script}`]),
    ];
  }),
);

/** What /init sources before it reads the command line (its `. /lib/mkinitramfs-ts/…` lines, in
 *  order), so that a test's script sees the functions /init has; root-device.sh after them. */
const PRELUDE = `${[...readFileSync(join(BUILTIN_MODULES_D, 'base/init.sh'), 'utf8').matchAll(/^\. (\/lib\/mkinitramfs-ts\/\S+\.sh)$/gm)].map((m) => `. ${m[1]}\n`).join('')}. ${INIT_LIB_DIR}/root-device.sh\n`;

/** The shell /init runs under: busybox ash (with busybox's applets) or dash (with kmod and coreutils). */
export type Shell = 'busybox' | 'dash';

/** What a busybox-less image's /init uses of the userspace feature's programs. */
const USERSPACE_TOOLS = ['dash', 'kmod', 'blkid', 'cat', 'sed', 'grep', 'tail', 'head', 'sort', 'find', 'dmesg', 'uname', 'mkdir', 'rm', 'sleep', 'mknod', 'tr', 'cut'];

export class FakeRoot {
  private constructor(
    readonly root: string,
    readonly shell: Shell,
  ) {}

  static create(opts: { shell?: Shell } = {}): FakeRoot {
    if (process.getuid?.() !== 0) throw new Error('the init-shell tests chroot into a fake root: run them as root');
    const r = new FakeRoot(mkdtempSync(join(tmpdir(), 'mkits-initsh-')), opts.shell ?? 'busybox');
    r.dir('/usr/bin').dir('/usr/sbin').dir('/usr/lib').dir('/proc').dir('/sys').dir('/dev').dir('/run').dir('/etc').dir('/tmp');
    r.dir('/usr/lib64');
    for (const [top, t] of [['/bin', 'usr/bin'], ['/sbin', 'usr/sbin'], ['/lib', 'usr/lib'], ['/lib64', 'usr/lib64']]) symlinkSync(t as string, r.disk(top as string));
    if (r.shell === 'busybox') r._busybox();
    else r._userspace();
    for (const [path, src] of Object.entries(LIBS)) copyFileSync(join(BUILTIN_MODULES_D, src), r.mkparent(path));
    r.file('/proc/cmdline', '\n');
    r.file('/proc/partitions', 'major minor  #blocks  name\n\n');
    return r;
  }

  private _busybox(): void {
    const bb = join(busyboxRoot(), 'bin/busybox');
    copyFileSync(bb, this.disk('/usr/bin/busybox'));
    chmodSync(this.disk('/usr/bin/busybox'), 0o755);
    for (const applet of execFileSync(bb, ['--list'], { encoding: 'utf8' }).split('\n')) {
      if (applet && applet !== 'busybox') symlinkSync('busybox', this.disk(`/usr/bin/${applet}`));
    }
  }

  private _userspace(): void {
    const paths = execFileSync('sh', ['-c', 'for t; do command -v "$t" || echo "$t"; done', 'sh', ...USERSPACE_TOOLS], { encoding: 'utf8' }).trim().split('\n');
    const missing = paths.filter((p) => !p.startsWith('/'));
    if (missing.length > 0) throw new Error(`${missing.join(', ')}: not on this machine (apt-get install them)`);
    // the libraries ldd (the oracle) says they load, at the same paths (merged /usr)
    const libs = new Set([...execFileSync('ldd', paths, { encoding: 'utf8' }).matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] as string));
    for (const lib of libs) copyFileSync(realpathSync(lib), this.mkparent(lib.replace(/^\/(lib|lib64)\//, '/usr/$1/')));
    paths.forEach((p, i) => {
      copyFileSync(p, this.disk(`/usr/bin/${USERSPACE_TOOLS[i]}`));
      chmodSync(this.disk(`/usr/bin/${USERSPACE_TOOLS[i]}`), 0o755);
    });
    symlinkSync('dash', this.disk('/usr/bin/sh'));
    for (const name of ['modprobe', 'insmod', 'lsmod']) symlinkSync('../bin/kmod', this.disk(`/usr/sbin/${name}`));
  }

  /** A module tree at /lib/modules/KVER (KVER: the running kernel's, as modprobe there asks uname)
   *  made of `files` (paths under it), indexed by this machine's depmod; returns KVER. */
  modules(files: Record<string, Buffer>): string {
    const kver = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
    for (const [rel, data] of Object.entries(files)) this.file(`/usr/lib/modules/${kver}/${rel}`, data);
    execFileSync('depmod', ['-b', this.root, kver], { stdio: ['ignore', 'ignore', 'ignore'] });
    return kver;
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

  /** A device on BUS as the kernel shows it: its folder `sysPath` (under /sys/devices) with its
   *  modalias, and the bus's link to it, /sys/bus/BUS/devices/NAME, where coldplug looks. */
  busDevice(bus: string, sysPath: string, modalias: string): this {
    const busDir = `/sys/bus/${bus}/devices`;
    return this.file(`${sysPath}/modalias`, `${modalias}\n`).link(`${busDir}/${posix.basename(sysPath)}`, posix.relative(busDir, sysPath));
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

  /** Run `script` with the root's shell inside the fake root, after /init's shell library and
   *  root-device.sh (PRELUDE). `proc`: the machine's procfs on /proc (in a mount namespace of
   *  the run's own), for code that reads /proc/PID; /proc/cmdline and /proc/partitions are then the machine's.
   *  `input`: what the script reads on stdin (a typed passphrase). */
  sh(script: string, env: Record<string, string> = {}, opts: { proc?: boolean; input?: string } = {}): ShellResult {
    const shell = this.shell === 'busybox' ? ['/usr/bin/busybox', 'sh'] : ['/usr/bin/dash'];
    const chroot = ['chroot', this.root, ...shell, '-c', PRELUDE + script];
    const argv = opts.proc ? ['unshare', '-m', 'sh', '-c', 'mount -t proc proc "$1/proc" && shift && exec "$@"', 'sh', this.root, ...chroot] : chroot;
    const r = spawnSync(argv[0] as string, argv.slice(1), {
      encoding: 'utf8',
      input: opts.input ?? '',
      env: { PATH: '/usr/sbin:/usr/bin', ...env },
      timeout: 20_000,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** stdout of `script`, which must succeed. */
  out(script: string, env: Record<string, string> = {}, opts: { proc?: boolean } = {}): string {
    const r = this.sh(script, env, opts);
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
