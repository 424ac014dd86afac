// LUKS2 roots unlocked by a TPM (issue 13) with systemd as the image's PID 1 (--add systemd-initrd,tpm2):
// the storage matrix's LUKS2 disk enrolled with systemd-cryptenroll --tpm2-device=auto --tpm2-pcrs=7 in a
// VM with an emulated TPM (swtpm), then booted with a copy of that TPM (no passphrase typed), with a
// brand-new TPM (it cannot unseal: the passphrase prompt comes up and is answered) and with no TPM at
// all. Debian 12's systemd 252 and Debian 13's 257 (kernel 6.12). Markers printed by the booted system.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage, runCli } from '../support/build-image.js';
import { kernelImage, trixieKernel } from '../support/fixtures.js';
import { bootVm, markerMs, type BootResult, type SerialInput } from '../support/qemu.js';
import { STORAGE_RECIPE as R } from '../support/storage/recipe.js';
import { freshTpmState, tpm2EnrolledDisk, tpmStateCopy, type Tpm2Disk } from '../support/tpm2/enrolled-disk.js';
import { tpm2Sysroot, trixieTpm2Sysroot } from '../support/tpm2/tpm2-sysroot.js';

const BOOT_TIMEOUT = 300_000;
/** Three cells per describe share two VM slots (MAX_PARALLEL_VMS): the third waits for one of them. */
const CELL_TIMEOUT = 2 * BOOT_TIMEOUT + 60_000;
const REACHED = /MARKER:systemd multi-user reached/;
const STATE_LINE = /MARKER-STATE: [^\n]*\n/;
const IN_INITRD = /systemd\[1\]: Running in initrd\./;
/** systemd-tty-ask-password-agent's prompt once it has turned echo off (see systemd-crypt-boot.test.ts). */
const PROMPT = /Please enter passphrase for disk [^\n]*\(press TAB for no echo\)/;
const ASKED = /Please enter passphrase/;
/** The guest kernel found the emulated TPM (tpm-tis, ACPI MSFT0101). */
const TPM_FOUND = /tpm_tis MSFT0101:00: 2\.0 TPM/;
const CMDLINE = `root=UUID=${R.luks.fsUuid} rd.luks.uuid=${R.luks.luksUuid}`;

let disk: Tpm2Disk;
let image252 = '';
const states: string[] = [];

beforeAll(async () => {
  disk = await tpm2EnrolledDisk();
  image252 = buildFixtureImage('systemd-tpm2', ['-N', '--sysroot', await tpm2Sysroot(), '--add', 'systemd-initrd,tpm2', '--compress', 'zstd']);
}, 60 * 60_000);

afterAll(() => {
  for (const s of states) rmSync(s, { recursive: true, force: true });
});

type Tpm = 'enrolled' | 'fresh' | 'none';

function tpmFor(tpm: Tpm): string | undefined {
  if (tpm === 'none') return undefined;
  const dir = tpm === 'enrolled' ? tpmStateCopy(disk.tpmState) : freshTpmState();
  states.push(dir);
  return dir;
}

async function boot(label: string, tpm: Tpm, input: SerialInput[], on: { kernel: string; initrd: string }): Promise<BootResult> {
  const r = await bootVm({
    kernel: on.kernel,
    initrd: on.initrd,
    append: CMDLINE,
    disks: [{ file: disk.luks, bus: 'virtio-blk' }],
    tpmState: tpmFor(tpm),
    until: [REACHED, STATE_LINE],
    // with the enrolled TPM a prompt is a failure: nothing may be typed
    failOn: [/MARKER:systemd multi-user NOT reached/, /mkinitramfs-ts: cannot boot/, /Give root password|Press Enter for maintenance/, ...(input.length === 0 ? [ASKED] : [])],
    watch: [PROMPT, TPM_FOUND, /Reached target .*Initrd Root File System/],
    input,
    timeoutMs: BOOT_TIMEOUT,
  });
  if (!r.matched) console.log(r.log.slice(-8000));
  expect(r.matched).toBe(true);
  expect(r.log).toMatch(IN_INITRD);
  expect(r.log).not.toMatch(/mkinitramfs-ts: handing over to systemd/); // not the shell /init
  expect(/MARKER-STATE: .* root=(.*)$/m.exec(r.log)?.[1] ?? '').toMatch(/^\/dev\/(dm-0|mapper\/luks-\S+) ext4 /);
  const s = (re: RegExp): string => `${((markerMs(r, re) ?? Number.NaN) / 1000).toFixed(1)} s`;
  console.log(`[systemd-tpm2] ${label}: prompt at ${s(PROMPT)}, root (marker) at ${s(REACHED)} after qemu start (${r.accel})`);
  return r;
}

describe('the systemd-initrd image with tpm2', () => {
  it('carries the TSS2 libraries, the device TCTI and the systemd-tpm2 token plugin', () => {
    const listing = runCli(['ls', image252]);
    for (const lib of ['libtss2-esys.so.0', 'libtss2-rc.so.0', 'libtss2-mu.so.0', 'libtss2-tcti-device.so.0', 'cryptsetup/libcryptsetup-token-systemd-tpm2.so'])
      expect(listing).toMatch(new RegExp(` usr/lib/x86_64-linux-gnu/${lib.replaceAll('.', '\\.')}`));
    // the luks disk's key file (slot 1) is not in the image: with no prompt, only the TPM can have opened it
    expect(listing).not.toContain(R.keyPath.slice(1));
  });
});

describe.concurrent("Debian 12's systemd 252 with a TPM", () => {
  it('(a) the TPM that enrolled: the root opens with no passphrase typed', async () => {
    const r = await boot('252 enrolled TPM', 'enrolled', [], { kernel: kernelImage(), initrd: image252 });
    expect(r.log).toMatch(TPM_FOUND);
    expect(r.log).not.toMatch(ASKED);
  }, CELL_TIMEOUT);

  it('(b) a brand-new TPM cannot unseal: the passphrase prompt comes up, it is typed, root', async () => {
    const r = await boot('252 fresh TPM', 'fresh', [{ when: PROMPT, send: `${R.passphrase}\n` }], { kernel: kernelImage(), initrd: image252 });
    expect(r.log).toMatch(TPM_FOUND);
    expect(r.log.match(new RegExp(PROMPT.source, 'g'))?.length).toBe(1);
  }, CELL_TIMEOUT);

  it('(c) no TPM device at all: the passphrase prompt comes up, it is typed, root', async () => {
    const r = await boot('252 no TPM', 'none', [{ when: PROMPT, send: `${R.passphrase}\n` }], { kernel: kernelImage(), initrd: image252 });
    expect(r.log).not.toMatch(TPM_FOUND);
    expect(r.log.match(new RegExp(PROMPT.source, 'g'))?.length).toBe(1);
  }, CELL_TIMEOUT);
});

describe.concurrent("Debian 13's systemd 257 and kernel 6.12 with a TPM", () => {
  let image257: Promise<{ kernel: string; initrd: string }> | undefined;
  // built once, by whichever cell comes first
  const on257 = (): Promise<{ kernel: string; initrd: string }> =>
    (image257 ??= (async () => {
      const k = trixieKernel();
      const sysroot = await trixieTpm2Sysroot();
      return { kernel: k.image, initrd: buildFixtureImage('systemd-tpm2-257', ['-N', '--sysroot', sysroot, '--kver', k.kver, '--add', 'systemd-initrd,crypt,tpm2', '--compress', 'zstd']) };
    })());

  it('(a) the TPM that enrolled (under systemd 252): the root opens with no passphrase typed', async () => {
    const on = await on257();
    // systemd 257's tpm2 generator and tpm2.target: the wait for a TPM whose driver is a late module
    const listing = runCli(['ls', on.initrd]);
    expect(listing).toMatch(/ usr\/lib\/systemd\/system-generators\/systemd-tpm2-generator$/m);
    expect(listing).toMatch(/ usr\/lib\/systemd\/system\/tpm2\.target$/m);
    const r = await boot('257 enrolled TPM', 'enrolled', [], on);
    expect(r.log).toMatch(/systemd\[1\]: systemd 257/);
    expect(r.log).toMatch(TPM_FOUND);
    expect(r.log).not.toMatch(ASKED);
  }, CELL_TIMEOUT);

  it('(b) a brand-new TPM cannot unseal: the passphrase prompt comes up, it is typed, root', async () => {
    const r = await boot('257 fresh TPM', 'fresh', [{ when: PROMPT, send: `${R.passphrase}\n` }], await on257());
    expect(r.log).toMatch(/systemd\[1\]: systemd 257/);
    expect(r.log).toMatch(TPM_FOUND);
    expect(r.log.match(new RegExp(PROMPT.source, 'g'))?.length).toBe(1);
  }, CELL_TIMEOUT);

  it('(c) no TPM device at all: the passphrase prompt comes up, it is typed, root', async () => {
    const r = await boot('257 no TPM', 'none', [{ when: PROMPT, send: `${R.passphrase}\n` }], await on257());
    expect(r.log).toMatch(/systemd\[1\]: systemd 257/);
    expect(r.log).not.toMatch(TPM_FOUND);
    expect(r.log.match(new RegExp(PROMPT.source, 'g'))?.length).toBe(1);
  }, CELL_TIMEOUT);
});
