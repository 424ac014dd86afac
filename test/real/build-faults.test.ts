// Faults during a real build with the real CLI on the real Debian kernel: signals, stale files of a
// stopped build, SIGKILL injected by strace at each step, the build or its compressor killed while it
// compresses, concurrent builds, read-only and full output folders, unreadable or broken inputs.
// Every case checks the old image is byte-identical (or the new one complete) and that nothing of
// ours stays beside it. Needs root (mounts) and strace.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { CLI } from '../support/build-image.js';
import { buildSysroot, kver } from '../support/fixtures.js';

const scratch = mkdtempSync(join(tmpdir(), 'mkinitramfs-faults-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** The build arguments: a generic image of the fixture kernel, written over `output`. */
const buildArgs = (output: string, extra: string[] = []): string[] => [
  'build', '--sysroot', buildSysroot(), '--kver', kver(), '--no-hostonly', '-o', output, '--force', '--quiet', ...extra,
];

function run(argv: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

const build = (output: string, extra: string[] = []): Run => run([process.execPath, CLI, ...buildArgs(output, extra)]);

/** The build run under strace, which sends `signal` to the process making the `when`th matching syscall. */
function buildInjected(output: string, inject: string, opts: { paths?: string[]; extra?: string[] } = {}): Run {
  const filter = (opts.paths ?? []).flatMap((p) => ['-P', p]);
  return run(['strace', '-f', '-qq', '-o', '/dev/null', '-e', `inject=${inject}`, ...filter, process.execPath, CLI, ...buildArgs(output, opts.extra)]);
}

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A folder holding an "old image" (not a real one: any change to it shows). */
function withOldImage(name: string): { dir: string; image: string; hash: string } {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  const image = join(dir, 'initrd.img');
  writeFileSync(image, `old image of ${name}\n`.repeat(1000), { mode: 0o600 });
  return { dir, image, hash: sha(image) };
}

function expectOk(r: Run): void {
  if (r.status !== 0) throw new Error(`build exited ${r.status} (signal ${r.signal}):\n${r.stderr}`);
}

const LIMIT = 60_000;

describe('a build stopped by a signal', () => {
  it('SIGTERM while the image is being synced: the temp file is removed, exit 143, old image intact', () => {
    const { dir, image, hash } = withOldImage('sigterm');
    const r = buildInjected(image, 'fsync:signal=SIGTERM:when=1');
    expect(r.status, r.stderr).toBe(128 + 15);
    expect(sha(image)).toBe(hash);
    expect(readdirSync(dir)).toEqual(['initrd.img']);
  }, LIMIT);

  it('the next build removes a stale temp file of a dead process, and keeps a live process\'s', () => {
    const { dir, image } = withOldImage('stale');
    const dead = spawnSync('true').pid as number;
    const stale = join(dir, `.initrd.img.${dead}.0badf00d.tmp`);
    const live = join(dir, `.initrd.img.${process.pid}.cafebabe.tmp`);
    const other = join(dir, `.other.img.${dead}.0badf00d.tmp`);
    for (const f of [stale, live, other]) {
      writeFileSync(f, 'partial image');
      utimesSync(f, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    }
    expectOk(build(image));
    expect(readdirSync(dir).sort()).toEqual(['.initrd.img.' + process.pid + '.cafebabe.tmp', '.other.img.' + dead + '.0badf00d.tmp', 'initrd.img'].sort());
  }, LIMIT);
});

/** The module and the library the fault cases break: real paths, so strace's -P needs no resolving (it would say so on stderr). */
const ext4 = (): string => realpathSync(join(buildSysroot(), 'lib/modules', kver(), 'kernel/fs/ext4/ext4.ko'));
const libc = (): string => realpathSync(join(buildSysroot(), 'lib/x86_64-linux-gnu/libc.so.6'));

let _counts: Map<string, number> | undefined;
/** How often a build opens `path` (strace counts, one traced build for both files): the last open is the packer's. */
function _opens(path: string): number {
  if (_counts === undefined) {
    const log = join(scratch, 'opens.log');
    const { image } = withOldImage('count');
    run(['strace', '-f', '-qq', '-o', log, '-e', 'trace=openat', '-P', ext4(), '-P', libc(), process.execPath, CLI, ...buildArgs(image)]);
    const lines = readFileSync(log, 'utf8').split('\n');
    _counts = new Map([ext4(), libc()].map((p) => [p, lines.filter((l) => l.includes(`openat(AT_FDCWD, "${p}"`)).length]));
  }
  return _counts.get(path) as number;
}

describe('SIGKILL at each step of a build (strace injection)', () => {
  const STEPS: [string, string, string[]][] = [
    ['plan (opening a module, first time)', 'openat:signal=SIGKILL:when=1', []],
    ['pack (opening a module, last time)', 'openat:signal=SIGKILL:when=LAST', []],
    ['write (the temp file fchmod)', 'fchmod:signal=SIGKILL:when=1', []],
    ['fsync of the temp file', 'fsync:signal=SIGKILL:when=1', []],
    ['rename over the target', 'rename,renameat,renameat2:signal=SIGKILL:when=1', []],
  ];
  for (const [step, inject, extra] of STEPS)
    it(`${step}: the old image stays byte-identical, the next build leaves nothing behind`, () => {
      const { dir, image, hash } = withOldImage(step.split(' ')[0] as string);
      const paths = inject.startsWith('openat') ? [ext4()] : [];
      const r = buildInjected(image, inject.replace('LAST', String(paths[0] ? _opens(paths[0]) : 0)), { extra, paths });
      expect(r.status, r.stderr).not.toBe(0);
      expect(sha(image)).toBe(hash);
      expectOk(build(image));
      expect(readdirSync(dir)).toEqual(['initrd.img']);
      expect(sha(image)).not.toBe(hash);
    }, LIMIT);
});

/** The executable a live process runs, or undefined. */
function _exe(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

describe('SIGKILL at the compression step', () => {
  // A zstd first on PATH that is the real one, exec'ed, behind one shell line that sends SIGKILL to
  // `victim` (the build, its parent; or itself) when it starts or once it has read 1 MiB of the archive
  // (its stdin is a file, so /proc/PID/fdinfo/0 shows how far it got). The round trip (-d) is left alone.
  const REAL = realpathSync(spawnSync('sh', ['-c', 'command -v zstd'], { encoding: 'utf8' }).stdout.trim());
  function killingZstd(victim: '$PPID' | '$$', when: 'exec' | 'running'): NodeJS.ProcessEnv {
    const bin = mkdtempSync(join(scratch, 'zstd-'));
    const kill = when === 'exec'
      ? `kill -KILL ${victim}`
      : `me=$$; victim=${victim}; ( while [ -d /proc/$me ]; do
    while read -r key value; do [ "$key" = pos: ] && pos=$value; done < /proc/$me/fdinfo/0
    if [ "\${pos:-0}" -ge 1048576 ]; then kill -KILL $victim; exit; fi
  done ) </dev/null >/dev/null 2>&1 &`;
    const script = `#!/bin/sh\ncase " $* " in *" -d "*) exec ${REAL} "$@";; esac\necho $$ >> ${bin}/pids\n${kill}\nexec ${REAL} "$@"\n`;
    writeFileSync(join(bin, 'zstd'), script, { mode: 0o755 });
    // the compressor's spool files go to TMPDIR: a folder of the test's own, to see that none stays
    return { PATH: `${bin}:${process.env['PATH'] ?? ''}`, TMPDIR: mkdtempSync(join(scratch, 'tmp-')) };
  }
  const buildWith = (output: string, env: NodeJS.ProcessEnv): Run => run([process.execPath, CLI, ...buildArgs(output)], env);
  /** A zstd whose build was killed compresses on for nobody: stop it, so that it takes no CPU from what follows. */
  function stopOrphans(env: NodeJS.ProcessEnv): void {
    const pids = join((env['PATH'] as string).split(':')[0] as string, 'pids');
    for (const pid of existsSync(pids) ? readFileSync(pids, 'utf8').split('\n').filter(Boolean).map(Number) : [])
      if (_exe(pid) === REAL) process.kill(pid, 'SIGKILL');
  }

  it('the build killed as zstd is exec\'ed, then while zstd runs: old image intact, nothing left after the next build', () => {
    const { dir, image, hash } = withOldImage('compress');
    for (const when of ['exec', 'running'] as const) {
      const env = killingZstd('$PPID', when);
      const r = buildWith(image, env);
      stopOrphans(env);
      expect(r.signal, `${when}: ${r.stderr}`).toBe('SIGKILL');
      expect(sha(image)).toBe(hash);
      expect(readdirSync(env['TMPDIR'] as string)).toEqual([]);
    }
    const env = { TMPDIR: mkdtempSync(join(scratch, 'tmp-')) };
    expectOk(buildWith(image, env));
    expect(readdirSync(dir)).toEqual(['initrd.img']);
    expect(readdirSync(env.TMPDIR)).toEqual([]);
    expect(sha(image)).not.toBe(hash);
  }, LIMIT);

  it(`zstd itself killed mid-run: one-line CompressorError (exit ${ExitCode.compressor}) naming it, old image intact, nothing left`, () => {
    const { dir, image, hash } = withOldImage('zstd-killed');
    const env = killingZstd('$$', 'running');
    const r = buildWith(image, env);
    expect(r.status, r.stderr).toBe(ExitCode.compressor);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mkinitramfs-ts: \S+\/zstd -q -c .* failed \(killed by SIGKILL: out of memory\? see dmesg\); nothing was written \(run again, or choose another --compress\)$/);
    expect(sha(image)).toBe(hash);
    expect(readdirSync(dir)).toEqual(['initrd.img']);
    expect(readdirSync(env['TMPDIR'] as string)).toEqual([]);
  }, LIMIT);
});

describe('read-only and full output folders', () => {
  const mounts: string[] = [];
  afterAll(() => {
    for (const m of mounts.reverse()) spawnSync('umount', [m]);
  });
  function tmpfs(name: string, options: string): string {
    const { dir } = withOldImage(name);
    rmSync(join(dir, 'initrd.img'));
    expectOk(run(['mount', '-t', 'tmpfs', '-o', `${options},mode=0755`, 'tmpfs', dir]));
    mounts.push(dir);
    writeFileSync(join(dir, 'initrd.img'), 'old image\n'.repeat(100));
    return dir;
  }
  for (const [name, options, remount, message] of [
    ['full', 'size=1m', false, 'no space left on device'],
    ['read-only', 'size=1m', true, 'cannot write there, a read-only file system: remount it read-write'],
  ] as const)
    it(`${name}: one-line OutputError (exit ${ExitCode.output}), old image intact, no temp left`, () => {
      const dir = tmpfs(name, options);
      const hash = sha(join(dir, 'initrd.img'));
      if (remount) expectOk(run(['mount', '-o', 'remount,ro', dir]));
      const r = build(join(dir, 'initrd.img'));
      expect(r.status, r.stderr).toBe(ExitCode.output);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n').filter((l) => !l.includes('warning:'))).toHaveLength(1);
      expect(sha(join(dir, 'initrd.img'))).toBe(hash);
      expect(readdirSync(dir)).toEqual(['initrd.img']);
    }, LIMIT);
});

describe('two builds of one image at once', () => {
  it('are serialised by the lock: both exit 0, the image is complete and verifies, no lock or temp left', async () => {
    const { dir, image } = withOldImage('concurrent');
    const { spawn } = await import('node:child_process');
    const started = Date.now();
    const one = (): Promise<number | null> =>
      new Promise((done) => spawn(process.execPath, [CLI, ...buildArgs(image)], { stdio: 'ignore' }).on('exit', (code) => done(code)));
    expect(await Promise.all([one(), one()])).toEqual([0, 0]);
    console.log(`two concurrent builds: ${Date.now() - started} ms`);
    expect(readdirSync(dir)).toEqual(['initrd.img']);
    const verify = run([process.execPath, CLI, 'verify', image]);
    expect(verify.status, verify.stderr).toBe(0);
  }, LIMIT);

  it('a build waits while a live process holds the lock, and takes over the lock of a dead one', async () => {
    const { dir, image, hash } = withOldImage('held');
    const lock = join(dir, '.initrd.img.lock');
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    writeFileSync(lock, `${process.pid} ${boot} ${Date.now()}\n`);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, ...buildArgs(image).filter((a) => a !== '--quiet')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    // the build says so after a second of waiting: until then and after, the image is untouched
    for (const until = Date.now() + 30_000; !stderr.includes('waiting for pid') && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toContain(`waiting for pid ${process.pid}, which is building ${image}`);
    expect(sha(image)).toBe(hash); // still waiting
    rmSync(lock);
    expect(await exited).toBe(0);
    expect(sha(image)).not.toBe(hash);
    const dead = spawnSync('true').pid as number;
    writeFileSync(lock, `${dead} ${boot} 0\n`);
    expectOk(build(image));
    expect(readdirSync(dir)).toEqual(['initrd.img']);
  }, LIMIT);
});

describe('an unreadable or broken module or library mid-build', () => {
  // The bad file (or a folder holding it) is bind-mounted over the sysroot's own in a private mount
  // namespace (unshare -m): the shared fixture is never changed, not even for a moment, for any other process.
  const bad = mkdtempSync(join(scratch, 'bad-'));
  const inRoot = `/lib/modules/${kver()}/kernel/fs/ext4/ext4.ko`;
  const fix = 'reinstall the kernel package or rerun depmod';
  /** A copy of ext4.ko's folder whose ext4.ko is made by `make`. */
  const ext4Folder = (name: string, make: (ko: string) => void) => (): string => {
    const folder = join(bad, name);
    mkdirSync(folder);
    make(join(folder, 'ext4.ko'));
    return folder;
  };
  const CASES: [string, () => string, () => string, number, string[]][] = [
    ['a module that is a FIFO', () => (spawnSync('mkfifo', [join(bad, 'fifo')]), join(bad, 'fifo')), ext4, ExitCode.badModule, [inRoot, 'is a FIFO, not a regular file', fix]],
    ['a module that is a directory', ext4Folder('dir', (ko) => mkdirSync(ko)), () => dirname(ext4()), ExitCode.badModule, [inRoot, 'is a directory, not a regular file', fix]],
    ['a module that is a dangling symlink', ext4Folder('dangling', (ko) => symlinkSync('../gone/ext4.ko', ko)), () => dirname(ext4()), ExitCode.badModulesDb, [inRoot, 'a symlink to ../gone/ext4.ko, which does not exist', fix]],
    ['a truncated module', () => (writeFileSync(join(bad, 'trunc.ko'), readFileSync(ext4()).subarray(0, 5000)), join(bad, 'trunc.ko')), ext4, ExitCode.badModule, [inRoot]],
    ['a truncated libc', () => (writeFileSync(join(bad, 'trunc.so'), readFileSync(libc()).subarray(0, 5000)), join(bad, 'trunc.so')), libc, ExitCode.badElf, ['libc.so.6']],
  ];
  for (const [what, makeBad, over, code, says] of CASES)
    it(`${what}: typed error (exit ${code}) on one line that says so, old image intact, nothing left`, () => {
      const { dir, image, hash } = withOldImage(what.replace(/ /g, '-'));
      const script = `mount --make-rprivate / && mount --bind "$1" "$2" && shift 2 && exec "$@"`;
      const r = run(['timeout', '60', 'unshare', '-m', 'sh', '-c', script, 'sh', makeBad(), over(), process.execPath, CLI, ...buildArgs(image)]);
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      for (const text of says) expect(r.stderr).toContain(text);
      expect(sha(image)).toBe(hash);
      expect(readdirSync(dir)).toEqual(['initrd.img']);
    }, LIMIT);

  // As root, mode 000 does not stop a read: strace makes the open fail with EACCES, as an AppArmor or
  // SELinux policy or a root-squashing NFS mount would.
  const UNREADABLE: [string, () => string, 'first' | 'last', string][] = [
    ['a module (its first open, while planning)', ext4, 'first', inRoot],
    ['a library (its last open, while packing)', libc, 'last', libc()],
  ];
  for (const [what, file, when, named] of UNREADABLE)
    it(`${what} that even root may not read: one-line UnreadableError (exit ${ExitCode.unreadable}) naming it, old image intact`, () => {
      const { dir, image, hash } = withOldImage(`eacces-${when}`);
      const r = buildInjected(image, `openat:error=EACCES:when=${when === 'first' ? 1 : _opens(file())}`, { paths: [file()] });
      expect(r.status, r.stderr).toBe(ExitCode.unreadable);
      expect(r.stderr.trim().split('\n')).toEqual([`mkinitramfs-ts: ${named}: permission denied even to root (an AppArmor/SELinux policy, or a root-squashing network mount?): allow root to read it`]);
      expect(sha(image)).toBe(hash);
      expect(readdirSync(dir)).toEqual(['initrd.img']);
    }, LIMIT);
});
