import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildKernel, installedKernels, registerUpdate, runPool } from '../../../../src/cli/commands/update.js';
import { runCommand } from '../run-command.js';
import { ExitCode } from '../../../../src/errors.js';
import { cleanup, testdir } from '../../config/testdir.js';

afterEach(cleanup);

describe('installedKernels', () => {
  it('lists kernels with modules.dep and /boot/vmlinuz-KVER, from /lib and /usr/lib, in version order', () => {
    const root = testdir({
      'lib/modules/6.1.0-10-amd64/modules.dep': '',
      'boot/vmlinuz-6.1.0-10-amd64': '',
      'lib/modules/6.1.0-9-amd64/modules.dep': '',
      'boot/vmlinuz-6.1.0-9-amd64': '',
      'usr/lib/modules/6.5.0-1-amd64/modules.dep': '',
      'boot/vmlinuz-6.5.0-1-amd64': '',
      'lib/modules/6.0.0-no-image/modules.dep': '',
      'lib/modules/6.0.0-no-dep/modules.order': '',
      'boot/vmlinuz-6.0.0-no-dep': '',
    });
    expect(installedKernels(root)).toEqual(['6.1.0-9-amd64', '6.1.0-10-amd64', '6.5.0-1-amd64']);
    expect(installedKernels(testdir())).toEqual([]);
  });
});

describe('runPool', () => {
  it('never runs more than `jobs` at once, keeps input order, and finishes every item', async () => {
    let running = 0;
    let peak = 0;
    const out = await runPool([30, 5, 20, 1, 10], 2, async (ms) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 2;
    });
    expect(out).toEqual([60, 10, 40, 2, 20]);
    expect(peak).toBe(2);
  });
});

/** A stand-in for bin/mkinitramfs-ts.cjs: fails for kernels named *bad*, else writes the --output file. */
function fakeEntry(dir: string): string {
  const entry = join(dir, 'fake-entry.mjs');
  writeFileSync(
    entry,
    `import { writeFileSync, appendFileSync } from 'node:fs';
const a = process.argv.slice(2);
appendFileSync(${JSON.stringify(join(dir, 'calls'))}, JSON.stringify(a) + '\\n');
const kver = a[a.indexOf('--kver') + 1];
if (kver.includes('bad')) { process.stderr.write('mkinitramfs-ts: ' + kver + ': modules.dep is garbage\\n'); process.exit(6); }
writeFileSync(a[a.indexOf('--output') + 1], 'IMAGE-' + kver);
`,
  );
  chmodSync(entry, 0o755);
  return entry;
}

describe('buildKernel', () => {
  it('builds /boot/initrd.img-KVER in the sysroot with --force and --fallback-generic, passing --conf/--confdir', async () => {
    const dir = testdir();
    mkdirSync(join(dir, 'boot'));
    const r = await buildKernel('6.1.0-1-amd64', { sysroot: dir, conf: '/c.conf', confdir: '/d' }, fakeEntry(dir));
    expect(r).toMatchObject({ ok: true, exitCode: 0, output: join(dir, 'boot/initrd.img-6.1.0-1-amd64'), size: 'IMAGE-6.1.0-1-amd64'.length });
    expect(JSON.parse(readFileSync(join(dir, 'calls'), 'utf8'))).toEqual([
      'build', '--force', '--fallback-generic', '--kver', '6.1.0-1-amd64', '--sysroot', dir, '--output', join(dir, 'boot/initrd.img-6.1.0-1-amd64'), '--no-uki', '--conf', '/c.conf', '--confdir', '/d',
    ]);
  });

  it("reports a failed build with its exit code and messages, without throwing", async () => {
    const dir = testdir();
    const r = await buildKernel('6.1.0-bad', { sysroot: dir }, fakeEntry(dir));
    expect(r).toMatchObject({ ok: false, exitCode: 6, size: 0, messages: ['6.1.0-bad: modules.dep is garbage'] });
  });
});

describe('update command', () => {
  it('refuses to guess: needs kernel versions or --all, not both', async () => {
    const root = testdir();
    expect(await runCommand(registerUpdate, ['update', '--sysroot', root])).toBe(ExitCode.usage);
    expect(await runCommand(registerUpdate, ['update', '--sysroot', root, '--all', '6.1.0'])).toBe(ExitCode.usage);
    expect(await runCommand(registerUpdate, ['update', '--sysroot', root, '--jobs', '0', '6.1.0'])).toBe(ExitCode.usage);
  });

  it('--all with no installed kernel is a kernel-directory error', async () => {
    expect(await runCommand(registerUpdate, ['update', '--sysroot', testdir(), '--all'])).toBe(ExitCode.badKernelDir);
  });
});
