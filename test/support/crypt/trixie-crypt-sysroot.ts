// Debian 13's sysroot with LUKS support as a systemd-only host has it: sysroot-trixie (hard links) plus
// the packages systemd-cryptsetup (257: the generator, systemd-cryptsetup, the token plugins),
// libcryptsetup12 (2.7, no libargon2), dmsetup, libdevmapper1.02.1 and libjson-c5 — no cryptsetup-bin.
// The .debs come from the distro fixture's apt archive (distro/trixie.tar, already fetched) or, when
// it lacks one, from trixie's apt (fixtures' own sources list). Cached under cacheDir() by the .deb names.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from '../file-lock.js';
import { cacheDir, FIXTURES, trixieKernel } from '../fixtures.js';

export const TRIXIE_CRYPT_PACKAGES = ['systemd-cryptsetup', 'libcryptsetup12', 'dmsetup', 'libdevmapper1.02.1', 'libjson-c5'] as const;

export async function trixieCryptSysroot(): Promise<string> {
  const base = trixieKernel().sysroot;
  const complete = statSync(join(base, '.complete'));
  const key = createHash('sha256').update(JSON.stringify([base, complete.ino, complete.mtimeMs, TRIXIE_CRYPT_PACKAGES])).digest('hex').slice(0, 16);
  const dir = join(cacheDir(), `trixie-crypt-sysroot-${key}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  return withFileLock(`${dir}.lock`, async () => {
    if (existsSync(join(dir, '.complete'))) return dir;
    const tmp = `${dir}.tmp-${process.pid}`;
    const debs = mkdtempSync(join(cacheDir(), 'trixie-crypt-debs-'));
    try {
      rmSync(tmp, { recursive: true, force: true });
      execFileSync('cp', ['-al', '--no-target-directory', base, tmp]);
      rmSync(join(tmp, '.complete'));
      const unpacked = join(debs, 'root');
      mkdirSync(unpacked);
      for (const deb of _debs(debs)) execFileSync('dpkg', ['-x', deb, unpacked]);
      // copied over the hard-linked clone with --remove-destination: never written through into the fixture
      execFileSync('cp', ['-a', '--remove-destination', `${unpacked}/.`, `${tmp}/`]);
      execFileSync('sh', ['-c', 'echo "$1" > "$2/.complete"', 'sh', TRIXIE_CRYPT_PACKAGES.join(' '), tmp]);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
      return dir;
    } finally {
      rmSync(debs, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

/** The .deb of each package: from distro/trixie.tar's apt archive, else apt-get download with trixie's sources. */
function _debs(into: string): string[] {
  const tar = join(FIXTURES, 'distro', 'trixie.tar');
  const members = existsSync(tar) ? execFileSync('tar', ['tf', tar], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n') : [];
  const out: string[] = [];
  for (const pkg of TRIXIE_CRYPT_PACKAGES) {
    const member = members.find((m) => m.startsWith('./var/cache/apt/archives/') && m.slice('./var/cache/apt/archives/'.length).startsWith(`${pkg}_`) && m.endsWith('.deb'));
    if (member !== undefined) {
      execFileSync('tar', ['xf', tar, '-C', into, member]);
      out.push(join(into, member));
      continue;
    }
    const apt = join(FIXTURES, 'apt-trixie');
    const opts = ['-o', `Dir::Etc::sourcelist=${apt}/trixie.sources`, '-o', 'Dir::Etc::sourceparts=/dev/null', '-o', `Dir::State::Lists=${apt}/lists`, '-o', `Dir::Cache=${apt}/cache`];
    execFileSync('apt-get', [...opts, 'download', pkg], { cwd: into, stdio: ['ignore', 'ignore', 'inherit'] });
    const deb = readdirSync(into).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download ${pkg} (trixie) left no .deb in ${into}`);
    out.push(join(into, deb));
  }
  return out;
}
