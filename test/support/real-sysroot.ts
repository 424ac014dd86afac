// For the test/real/hooks-* tests: a throw-away sysroot that is the Debian fixture root plus the
// fixture kernel (modules and /boot), made of hard links so it costs a second, not 600 MB. Builds
// only add new files to it (atomic renames), so the shared fixture files are never written through.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES, debianRoot, kernelRoot, kver } from './fixtures.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const ENTRY = join(REPO, 'bin/mkinitramfs-ts.cjs');
/** How hooks run this checkout (MKINITRAMFS_TS). */
export const COMMAND = `${process.execPath} ${ENTRY}`;

/** Build dist/ (the bundle bin/ loads) so bin/ runs the code under test. */
export function buildDist(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit' });
}

export function makeSysroot(): { root: string; kver: string; remove: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'mkits-real-'));
  const root = join(base, 'root');
  _linkCopy(debianRoot(), root);
  mkdirSync(join(root, 'usr/lib/modules'), { recursive: true });
  _linkCopy(join(kernelRoot(), 'lib/modules', kver()), join(root, 'usr/lib/modules', kver()));
  for (const f of readdirSync(join(kernelRoot(), 'boot'))) _linkCopy(join(kernelRoot(), 'boot', f), join(root, 'boot', f));
  return { root, kver: kver(), remove: () => rmSync(base, { recursive: true, force: true }) };
}

/** Another unpacked kernel package of the fixtures (kernel-cloud, kernel-rt): its directory and version. */
export function fixtureKernel(name: string): { dir: string; kver: string; modules: string } {
  const dir = join(FIXTURES, name);
  if (!existsSync(join(dir, 'KVER'))) throw new Error(`test fixture ${dir} is missing: run 'bash test/fixtures/fetch.sh' first`);
  const kver = readFileSync(join(dir, 'KVER'), 'utf8').trim();
  const modules = [join(dir, 'lib/modules', kver), join(dir, 'usr/lib/modules', kver)].find((d) => existsSync(join(d, 'modules.dep')));
  if (!modules) throw new Error(`test fixture ${dir} has no lib/modules/${kver}/modules.dep`);
  return { dir, kver, modules };
}

/** Installs a fixture kernel (modules and /boot files, hard-linked) into a sysroot from makeSysroot. */
export function addKernel(root: string, kernel: ReturnType<typeof fixtureKernel>): void {
  _linkCopy(kernel.modules, join(root, 'usr/lib/modules', kernel.kver));
  for (const f of readdirSync(join(kernel.dir, 'boot'))) _linkCopy(join(kernel.dir, 'boot', f), join(root, 'boot', f));
}

function _linkCopy(from: string, to: string): void {
  try {
    execFileSync('cp', ['-al', '--no-target-directory', from, to], { stdio: 'pipe' });
  } catch {
    // another file system: hard links are impossible, copy instead
    execFileSync('cp', ['-a', '--no-target-directory', from, to]);
  }
}
