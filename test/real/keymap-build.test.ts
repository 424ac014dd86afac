// The console keymap on real input: console-data's de-latin1 compiled by the build machine's loadkeys
// (kbd) into the kernel's key tables, carried into an image by the sysroot's /etc/vconsole.conf; what
// happens when the sysroot names a map it does not have, or loadkeys is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, ConfigError } from '../../src/errors.js';
import { FsHost } from '../../src/host/fs-host.js';
import { imageKeymap } from '../../src/keymap/image-keymap.js';
import { CLI, runCli } from '../support/build-image.js';
import { buildSysroot, kver } from '../support/fixtures.js';
import { GERMAN_VCONSOLE, keymapSysroot } from '../support/keymap/keymap-sysroot.js';

let german = '';
let noKeymaps = '';

beforeAll(async () => {
  german = await keymapSysroot(buildSysroot(), GERMAN_VCONSOLE);
  noKeymaps = await keymapSysroot(buildSysroot(), GERMAN_VCONSOLE, false);
}, 600_000);

/** The plain (unshifted) table of a busybox "bkeymap": magic, 256 table flags, then 128 u16 per present table. */
function plainTable(bmap: Buffer): number[] {
  expect(bmap.subarray(0, 7).toString('latin1')).toBe('bkeymap');
  expect(bmap[7]).toBe(1); // table 0 (no modifier) is present
  return Array.from({ length: 128 }, (_, key) => bmap.readUInt16LE(7 + 256 + key * 2));
}
const char = (entry: number | undefined): string => String.fromCharCode((entry ?? 0) & 0xff);

function build(sysroot: string, extra: string[] = []): { status: number | null; stderr: string; image: string } {
  const image = join(mkdtempSync(join(tmpdir(), 'mkits-keymap-')), 'initrd.img');
  const r = spawnSync(process.execPath, [CLI, 'build', '-N', '--sysroot', sysroot, '--kver', kver(), '-o', image, '--compress', 'none', ...extra], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, image };
}

describe('the console keymap, from the sysroot to the image', () => {
  it("de-latin1 compiled: y and z swapped, '-' right of '.', ß right of 0", () => {
    const km = imageKeymap(new FsHost({ root: german }), undefined);
    expect(km.warnings).toEqual([]);
    expect(km.feature).toEqual({ name: 'keymap', why: 'console keymap de-latin1 from /etc/vconsole.conf' });
    const bmap = km.files.find((f) => f.path === '/etc/mkinitramfs-ts/keymaps/de-latin1.bmap')?.content as Buffer;
    const plain = plainTable(bmap);
    // kernel key codes: 21 Y, 44 Z, 53 slash, 12 minus (US positions)
    expect([char(plain[21]), char(plain[44]), char(plain[53]), char(plain[12])]).toEqual(['z', 'y', '-', 'ß']);
    expect(km.files.find((f) => f.path === '/etc/vconsole.conf')?.content).toBe('KEYMAP=de-latin1\n');
  });

  it('an image of that sysroot carries the map, the hook and loadkmap; explain names the setting', () => {
    const b = build(german);
    expect(b.status, b.stderr).toBe(0);
    const listing = runCli(['ls', b.image]);
    expect(listing).toMatch(/ etc\/mkinitramfs-ts\/keymaps\/de-latin1\.bmap$/m);
    expect(listing).toMatch(/\/hooks\/cmdline\/05-keymap-keymap-hook\.sh$/m);
    expect(listing).toMatch(/\/loadkmap -> /);
    const why = runCli(['explain', '-N', '--sysroot', german, '--kver', kver(), '/etc/vconsole.conf']);
    expect(why).toMatch(/console keymap de-latin1 from \/etc\/vconsole\.conf/);
  });

  it('--omit keymap and --keymap us leave it out', () => {
    for (const flags of [['--omit', 'keymap'], ['--keymap', 'us']]) {
      const b = build(german, flags);
      expect(b.status, b.stderr).toBe(0);
      expect(runCli(['ls', b.image])).not.toMatch(/keymap|vconsole/);
    }
  });

  it('a keymap the sysroot names but lacks: a warning, the image without it (a kernel upgrade goes on)', () => {
    const b = build(noKeymaps);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).toContain(`warning: console keymap: de-latin1 (from /etc/vconsole.conf) is not in ${noKeymaps}/usr/share/keymaps, `);
    expect(b.stderr).toMatch(/the passphrase prompt keeps the US layout \(install console-data or kbd in the sysroot/);
    expect(runCli(['ls', b.image])).not.toMatch(/keymap/);
  });

  it('--keymap naming a map the sysroot lacks: one line naming it and the fix, exit code of a configuration error, no image', () => {
    const b = build(noKeymaps, ['--keymap', 'de-latin1']);
    expect(b.status).toBe(ExitCode.badConfig);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/--keymap de-latin1: de-latin1 \(from --keymap de-latin1\) is not in .*: install console-data or kbd in the sysroot/);
    expect(spawnSync('test', ['-e', b.image]).status).not.toBe(0);
  });

  it('no loadkeys on the build machine: a warning for the sysroot setting, an error for --keymap', () => {
    const host = new FsHost({ root: german });
    expect(imageKeymap(host, undefined, '/nonexistent/loadkeys').warnings).toEqual([
      'console keymap: /usr/share/keymaps/i386/qwertz/de-latin1.kmap.gz: loadkeys is not installed on this machine (package kbd); the passphrase prompt keeps the US layout (install kbd on the build machine, or build with --omit keymap)',
    ]);
    expect(() => imageKeymap(host, 'de-latin1', '/nonexistent/loadkeys')).toThrow(ConfigError);
  });
});
