// The program runs on Node 18, Debian 12's nodejs (the oldest Node package.json's engines allow):
// the installed command (bin/mkinitramfs-ts.cjs, `node` from PATH) under Debian's own node 18 plans and
// builds a generic image of the fixture sysroot — the same archive as the host Node's build — that
// verify accepts, plans a host-only image of this machine and runs the inspection commands.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSysroot, kernelRoot, kver } from '../support/fixtures.js';
import { runNode18 } from '../support/node18.js';
import { REPO } from '../support/real-sysroot.js';

const COMMAND = join(REPO, 'bin/mkinitramfs-ts.cjs');
const EPOCH = { SOURCE_DATE_EPOCH: '1700000000' };
// two builds of a 17 MiB image and a verify; generous: the machine may be busy with other tests
const BUILD_TIMEOUT = 240_000;
let scratch = '';

/** The installed command under node 18; fails the test with its stderr on a non-zero exit. */
function mk18(args: string[]): string {
  const r = runNode18(COMMAND, args, EPOCH);
  expect(r.status, `node 18: mkinitramfs-ts ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist/mkinitramfs-ts.cjs'))) throw new Error("dist/mkinitramfs-ts.cjs is missing: run 'npm run build' first");
  scratch = mkdtempSync(join(tmpdir(), 'mkits-node18-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the CLI on Debian 12\'s Node 18', () => {
  it('is that node, and the command starts with it', () => {
    expect(runNode18('node', ['--version']).stdout).toMatch(/^v18\.\d+\.\d+\n$/);
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    expect(mk18(['--version']).trim()).toBe(version);
  });

  it('plans a generic image of the fixture sysroot exactly as the host Node does', () => {
    const args = ['build', '-N', '--sysroot', buildSysroot(), '--kver', kver(), '--dry-run', '--json', '-q'];
    const plan18 = mk18(args);
    const host = spawnSync(COMMAND, args, { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, ...EPOCH } });
    expect(host.status, host.stderr).toBe(0);
    const paths = (JSON.parse(plan18) as { entries: { path: string }[] }).entries.map((e) => e.path);
    expect(paths).toContain('/init');
    expect(paths.some((p) => p.endsWith('/virtio_blk.ko'))).toBe(true);
    expect(plan18).toBe(host.stdout);
  }, BUILD_TIMEOUT);

  // gzip is node:zlib: Debian's node 18 uses the system's zlib, other builds their own, whose deflate
  // output differs; the archive inside must not
  it.each([
    ['zstd', (b: Buffer) => b],
    ['gzip', (b: Buffer) => gunzipSync(b)],
  ])('builds a generic %s image identical to the host Node\'s, and verify accepts it', (compress, archive) => {
    const image18 = join(scratch, `node18-${compress}.img`);
    const imageHost = join(scratch, `host-${compress}.img`);
    const args = ['build', '-N', '--sysroot', buildSysroot(), '--kver', kver(), '--compress', compress, '-q'];
    mk18([...args, '-o', image18]);
    const host = spawnSync(COMMAND, [...args, '-o', imageHost], { encoding: 'utf8', env: { ...process.env, ...EPOCH } });
    expect(host.status, host.stderr).toBe(0);
    expect(archive(readFileSync(image18)).equals(archive(readFileSync(imageHost)))).toBe(true);
    expect(JSON.parse(mk18(['verify', '--json', image18]))).toMatchObject({ ok: true, problems: [] });
    expect(mk18(['cat', image18, 'etc/mkinitramfs-ts/image.conf'])).toContain(`IMAGE_KVER='${kver()}'`);
  }, BUILD_TIMEOUT);

  it('the other commands run: deps, ldd, explain, extract, diff, capture-host', () => {
    expect(mk18(['deps', 'ext4', '--sysroot', kernelRoot(), '--kver', kver()])).toMatch(/\/ext4\.ko\n$/);
    expect(mk18(['ldd', '/usr/sbin/blkid', '--sysroot', buildSysroot()])).toMatch(/ld-linux-x86-64\.so\.2/);
    expect(mk18(['explain', 'ext4', '-N', '--sysroot', buildSysroot(), '--kver', kver()])).toMatch(/^ext4 ← /);
    const image = join(scratch, 'inspect.img');
    mk18(['build', '-N', '--sysroot', buildSysroot(), '--kver', kver(), '-q', '-o', image]);
    mk18(['extract', image, join(scratch, 'extracted')]);
    expect(existsSync(join(scratch, 'extracted/init'))).toBe(true);
    expect(mk18(['diff', image, image])).toMatch(/modules: 0 added, 0 removed/);
    mk18(['capture-host', join(scratch, 'capture')]);
    expect(existsSync(join(scratch, 'capture/sys'))).toBe(true);
  }, BUILD_TIMEOUT);

  it('plans a host-only image of this machine for the fixture kernel, every module with its reason', () => {
    const plan = JSON.parse(
      mk18(['build', '-H', '--kver', kver(), '--kmoddir', join(kernelRoot(), 'lib/modules', kver()), '--dry-run', '--json', '-q']),
    ) as { entries: { path: string; reasons: { why: string }[] }[] };
    const modules = plan.entries.filter((e) => e.path.endsWith('.ko'));
    expect(modules.length).toBeGreaterThan(0);
    for (const m of modules) expect(m.reasons.length, m.path).toBeGreaterThan(0);
  }, BUILD_TIMEOUT);
});
