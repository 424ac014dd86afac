// Faults during a real build with the real CLI on the real Debian kernel: signals, stale files of a
// stopped build, SIGKILL injected by strace at each step, concurrent builds, read-only and full
// output folders, unreadable inputs. Every case checks the old image is byte-identical (or the new
// one complete) and that nothing of ours stays beside it. Needs root (mounts) and strace.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** How often a build opens `path` (strace counts): the last open is the packer's. */
function _opens(path: string): number {
  if (path === '') return 0;
  const log = join(scratch, `opens-${process.hrtime.bigint()}`);
  const { image } = withOldImage('count');
  run(['strace', '-f', '-qq', '-o', log, '-e', 'trace=openat', '-P', path, process.execPath, CLI, ...buildArgs(image)]);
  return readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('openat(')).length;
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
      const paths = inject.startsWith('openat') ? [join(buildSysroot(), 'lib/modules', kver(), 'kernel/fs/ext4/ext4.ko')] : [];
      const r = buildInjected(image, inject.replace('LAST', String(_opens(paths[0] ?? ''))), { extra, paths });
      expect(r.status, r.stderr).not.toBe(0);
      expect(sha(image)).toBe(hash);
      expectOk(build(image));
      expect(readdirSync(dir)).toEqual(['initrd.img']);
      expect(sha(image)).not.toBe(hash);
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
    ['read-only', 'size=1m', true, 'cannot write there (EROFS)'],
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
    await new Promise((r) => setTimeout(r, 2500));
    expect(sha(image)).toBe(hash); // still waiting
    expect(stderr).toContain(`waiting for pid ${process.pid}, which is building ${image}`);
    rmSync(lock);
    expect(await exited).toBe(0);
    expect(sha(image)).not.toBe(hash);
    const dead = spawnSync('true').pid as number;
    writeFileSync(lock, `${dead} ${boot} 0\n`);
    expectOk(build(image));
    expect(readdirSync(dir)).toEqual(['initrd.img']);
  }, LIMIT);
});

describe('an unreadable module or library mid-build', () => {
  // The bad file is bind-mounted over the sysroot's own in a private mount namespace (unshare -m):
  // the shared fixture is never changed, not even for a moment, for any other process.
  const sysroot = (): string => buildSysroot();
  const moduleFile = (): string => join(sysroot(), 'lib/modules', kver(), 'kernel/fs/ext4/ext4.ko');
  const libc = (): string => realpathSync(join(sysroot(), 'lib/x86_64-linux-gnu/libc.so.6'));
  const bad = mkdtempSync(join(scratch, 'bad-'));
  const CASES: [string, () => string, () => string, number][] = [
    ['a module that is a FIFO', () => (spawnSync('mkfifo', [join(bad, 'fifo')]), join(bad, 'fifo')), moduleFile, ExitCode.badModulesDb],
    ['a truncated module', () => (writeFileSync(join(bad, 'trunc.ko'), readFileSync(moduleFile()).subarray(0, 5000)), join(bad, 'trunc.ko')), moduleFile, ExitCode.badModule],
    ['a truncated libc', () => (writeFileSync(join(bad, 'trunc.so'), readFileSync(libc()).subarray(0, 5000)), join(bad, 'trunc.so')), libc, ExitCode.badElf],
  ];
  for (const [what, makeBad, over, code] of CASES)
    it(`${what}: typed error (exit ${code}) on one line, old image intact, nothing left`, () => {
      const { dir, image, hash } = withOldImage(what.replace(/ /g, '-'));
      const script = `mount --make-rprivate / && mount --bind "$1" "$2" && shift 2 && exec "$@"`;
      const r = run(['timeout', '60', 'unshare', '-m', 'sh', '-c', script, 'sh', makeBad(), over(), process.execPath, CLI, ...buildArgs(image)]);
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(sha(image)).toBe(hash);
      expect(readdirSync(dir)).toEqual(['initrd.img']);
    }, LIMIT);
});
