// Building for another root must not run that root's code on this host. A copy of the fixture sysroot
// (hard links, the fixture untouched) gets a feature of its own whose check and install scripts write
// markers to absolute /tmp paths: through the real CLI, they land in the copy's /tmp (the scripts ran
// chrooted there), never in this host's; --dry-run runs no install script; --trust-sysroot-scripts
// runs them on this host as before.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/build-image.js';
import { buildSysroot, cacheDir, kver } from '../support/fixtures.js';

let dir = '';
let root = '';
const markers: string[] = [];
const marker = (): string => {
  const m = `/tmp/mkits-marker-${randomBytes(6).toString('hex')}`;
  markers.push(m);
  return m;
};
let check = '';
let install = '';

/** Write the copy's own feature "evil": a default feature whose scripts leave the given markers. */
function evilFeature(): void {
  check = marker();
  install = marker();
  const d = join(root, 'etc/mkinitramfs-ts/modules.d/evil');
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'module.toml'), 'description = "the sysroot\'s own"\ninclude = "default"\ncheck_script = "check.sh"\ninstall_script = "install.sh"\n');
  writeFileSync(join(d, 'check.sh'), `echo ran > ${check}\nexit 0\n`);
  writeFileSync(join(d, 'install.sh'), `echo ran > ${install}\necho "dir /run/evil"\n`);
}

beforeAll(() => {
  mkdirSync(cacheDir(), { recursive: true });
  dir = mkdtempSync(join(cacheDir(), 'sysroot-scripts-'));
  root = join(dir, 'sysroot');
  execFileSync('cp', ['-al', buildSysroot(), root]);
  if (existsSync(join(root, 'etc/mkinitramfs-ts'))) throw new Error('the fixture sysroot has features of its own: this test would write through hard links');
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const m of markers.splice(0)) rmSync(m, { force: true });
});

const build = (args: string[]): string => runCli(['build', '--sysroot', root, '--kver', kver(), '-N', '--compress', 'gzip', ...args]);

describe('scripts of a --sysroot tree', () => {
  it('--dry-run: the check script runs inside the sysroot, the install script not at all, and the plan says so', () => {
    evilFeature();
    const plan = JSON.parse(build(['--dry-run', '--json'])) as { entries: { path: string }[]; notes: { subject: string; text: string }[] };
    expect(existsSync(check)).toBe(false);
    expect(existsSync(join(root, check))).toBe(true);
    expect(existsSync(install) || existsSync(join(root, install))).toBe(false);
    expect(plan.entries.some((e) => e.path === '/run/evil')).toBe(false);
    expect(plan.notes).toContainEqual(expect.objectContaining({ subject: 'feature evil', text: expect.stringContaining('install script install.sh not run (--dry-run)') }));
  }, 120_000);

  it('a build runs both inside the sysroot, and the install script’s directives reach the image', () => {
    evilFeature();
    const image = join(dir, 'evil.img');
    build(['-o', image, '--force']);
    expect(existsSync(check) || existsSync(install)).toBe(false);
    expect(existsSync(join(root, check)) && existsSync(join(root, install))).toBe(true);
    expect(runCli(['ls', image]).split('\n').some((l) => /\brun\/evil$/.test(l.trim()))).toBe(true);
  }, 300_000);

  it('--trust-sysroot-scripts runs them on this host, as root (the opt-in)', () => {
    evilFeature();
    build(['--dry-run', '--trust-sysroot-scripts']);
    expect(existsSync(check)).toBe(true);
    expect(existsSync(install)).toBe(false); // still a dry run
  }, 120_000);
});
