// The sysroots of the TPM2 boot cells: a LUKS sysroot cloned with hard links plus the TSS2 libraries
// systemd loads with dlopen() for a TPM (a host that enrols with systemd-cryptenroll has them).
//   Debian 12: the storage sysroot (systemd 252, cryptsetup, systemd-cryptenroll, the token plugin) +
//              bookworm's libtss2 packages, and the enrol script the builder VM runs (enrol.sh).
//   Debian 13: the trixie LUKS sysroot (systemd-cryptsetup 257) + trixie's libtss2 (t64) packages.
// The .debs come from apt-get download (the host's apt for bookworm, the fixtures' own sources list
// for trixie) and are unpacked with dpkg -x; nothing is installed on this machine. Cached by inputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trixieCryptSysroot } from '../crypt/trixie-crypt-sysroot.js';
import { derivedSysroot } from '../derived-sysroot.js';
import { FIXTURES } from '../fixtures.js';
import { builderDisksEnv } from '../storage/storage-disks.js';
import { storageSysroot } from '../storage/storage-sysroot.js';

export const BOOKWORM_TSS2 = ['libtss2-esys-3.0.2-0', 'libtss2-sys1', 'libtss2-mu0', 'libtss2-rc0', 'libtss2-tcti-device0'] as const;
export const TRIXIE_TSS2 = ['libtss2-esys-3.0.2-0t64', 'libtss2-sys1t64', 'libtss2-mu-4.0.1-0t64', 'libtss2-rc0t64', 'libtss2-tcti-device0t64'] as const;
/** Where the enrol script sits in the Debian 12 TPM2 sysroot (the builder image --installs it). */
export const ENROL_SCRIPT = '/usr/local/lib/tpm2-enrol/enrol.sh';
const _ENROL_SOURCE = fileURLToPath(new URL('./enrol.sh', import.meta.url));

export async function tpm2Sysroot(): Promise<string> {
  const base = await storageSysroot(builderDisksEnv());
  return _withDebs('tpm2-sysroot', base, BOOKWORM_TSS2, [], new Map([[ENROL_SCRIPT, readFileSync(_ENROL_SOURCE)]]));
}

export async function trixieTpm2Sysroot(): Promise<string> {
  const apt = join(FIXTURES, 'apt-trixie');
  const opts = ['-o', `Dir::Etc::sourcelist=${apt}/trixie.sources`, '-o', 'Dir::Etc::sourceparts=/dev/null', '-o', `Dir::State::Lists=${apt}/lists`, '-o', `Dir::Cache=${apt}/cache`];
  return _withDebs('trixie-tpm2-sysroot', await trixieCryptSysroot(), TRIXIE_TSS2, opts, new Map());
}

function _withDebs(name: string, base: string, packages: readonly string[], aptOptions: string[], files: Map<string, Buffer>): Promise<string> {
  const executable = new Map([...files].map(([path, content]) => [path, { content, mode: 0o755 }]));
  return derivedSysroot({ name, base, debs: { packages, aptOptions }, files: executable });
}
