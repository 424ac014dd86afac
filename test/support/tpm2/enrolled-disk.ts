// The storage matrix's LUKS2 disk with a TPM2 token, and the TPM it is sealed to: a copy of the luks
// disk and an empty swtpm state directory (a new TPM) are attached to a throw-away VM that runs
// enrol.sh (systemd-cryptenroll --tpm2-device=auto --tpm2-pcrs=7 on Debian 12's 6.1 kernel and
// systemd 252). Cached under cacheDir()/disks by its inputs. Boots must use a copy of `tpmState`
// (tpmStateCopy): swtpm writes its state back, and the cached TPM must stay the one that enrolled.
//   const d = await tpm2EnrolledDisk(); bootVm({ disks: [{ file: d.luks, … }], tpmState: tpmStateCopy(d.tpmState) })
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtureImage } from '../build-image.js';
import { cachedArtifact } from '../disks/cached-artifact.js';
import { kernelImage, kver } from '../fixtures.js';
import { bootVm } from '../qemu.js';
import { storageDisks } from '../storage/storage-disks.js';
import { ENROL_SCRIPT, tpm2Sysroot } from './tpm2-sysroot.js';

// Bump when the enrolment changes in a way the cache key does not see.
const _RECIPE = 1;
const _ENROL_TIMEOUT_MS = 10 * 60_000;

export interface Tpm2Disk {
  /** The LUKS2 root (GPT partition 1): slot 0 the passphrase, slot 1 the key file, slot 2 the TPM. */
  luks: string;
  /** The swtpm state directory of the TPM that enrolled: never boot on it, boot on tpmStateCopy(). */
  tpmState: string;
  /** The enrolment VM's console: the PCR values it saw and the token. */
  enrolLog: string;
}

export async function tpm2EnrolledDisk(): Promise<Tpm2Disk> {
  const storage = await storageDisks();
  const sysroot = await tpm2Sysroot();
  const inputs = { _RECIPE, luks: storage.luks, sysroot, script: readFileSync(fileURLToPath(new URL('./enrol.sh', import.meta.url)), 'utf8'), kver: kver() };
  const art = await cachedArtifact('tpm2-luks', inputs, async (tmp) => {
    mkdirSync(join(tmp, 'tpm'), { recursive: true });
    execFileSync('cp', ['--sparse=always', storage.luks, join(tmp, 'luks.img')]);
    const image = buildFixtureImage('tpm2-enrol', [
      '-N', '--sysroot', sysroot, '--add', 'crypt,tpm2', '--compress', 'zstd',
      ...['/usr/bin/systemd-cryptenroll', ENROL_SCRIPT, '/usr/local/lib/storage-builder/recipe.env'].flatMap((p) => ['--install', p]),
    ]);
    const r = await bootVm({
      kernel: kernelImage(),
      initrd: image,
      append: `rdinit=${ENROL_SCRIPT}`,
      disks: [{ file: join(tmp, 'luks.img'), bus: 'virtio-blk', snapshot: false }],
      tpmState: join(tmp, 'tpm'),
      until: [/TPM2-ENROL: done/],
      failOn: [/TPM2-ENROL: failed/],
      timeoutMs: _ENROL_TIMEOUT_MS,
      graceMs: 30_000,
    });
    writeFileSync(join(tmp, 'enrol.log'), r.log);
    if (!r.matched) throw new Error(`enrolling the TPM failed (${r.failedOn ?? (r.timedOut ? 'timeout' : 'no verdict')}); log ${r.logFile}:\n${r.log.slice(-3000)}`);
    process.stderr.write(`TPM2 enrolment done in ${Math.round(r.durationMs / 1000)} s (${r.accel})\n`);
  });
  return { luks: join(art.path, 'luks.img'), tpmState: join(art.path, 'tpm'), enrolLog: readFileSync(join(art.path, 'enrol.log'), 'utf8') };
}

/** A private copy of a TPM's state for one boot (swtpm writes to it). */
export function tpmStateCopy(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mkits-tpm-'));
  execFileSync('cp', ['-a', `${from}/.`, dir]);
  return dir;
}

/** An empty state directory: swtpm makes a brand-new TPM (new seeds) in it. */
export function freshTpmState(): string {
  return mkdtempSync(join(tmpdir(), 'mkits-tpm-'));
}
