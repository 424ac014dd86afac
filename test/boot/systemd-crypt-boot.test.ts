// LUKS with systemd as the image's PID 1 (--add systemd-initrd; systemd-cryptsetup joins with crypt):
// systemd-cryptsetup-generator turns rd.luks.* into units, systemd-tty-ask-password-agent asks on the
// console. The storage matrix's LUKS2 disk (slot 0 the passphrase, slot 1 the key file), Debian 12's
// systemd 252, into the real root's systemd. Markers printed by the booted system, never timings.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage, runCli } from '../support/build-image.js';
import { trixieCryptSysroot } from '../support/crypt/trixie-crypt-sysroot.js';
import { kernelImage, trixieKernel } from '../support/fixtures.js';
import { bootVm, type BootResult, type SerialInput } from '../support/qemu.js';
import { STORAGE_RECIPE as R } from '../support/storage/recipe.js';
import { builderDisksEnv, storageDisks, type StorageDisks } from '../support/storage/storage-disks.js';
import { storageSysroot } from '../support/storage/storage-sysroot.js';

const BOOT_TIMEOUT = 300_000;
const REACHED = /MARKER:systemd multi-user reached/;
const STATE_LINE = /MARKER-STATE: [^\n]*\n/;
const IN_INITRD = /systemd\[1\]: Running in initrd\./;
/**
 * systemd-tty-ask-password-agent on the console: "Please enter passphrase for disk NAME (luks-UUID):", then,
 * once it has turned the terminal's echo off, "(press TAB for no echo)". Typing before that hint is echoed
 * by the terminal, so the test waits for it.
 */
const PROMPT = /Please enter passphrase for disk [^\n]*\(press TAB for no echo\)/;
let image = '';
let disks: StorageDisks;

beforeAll(async () => {
  disks = await storageDisks();
  const sysroot = await storageSysroot(builderDisksEnv());
  image = buildFixtureImage('systemd-crypt', ['-N', '--sysroot', sysroot, '--add', 'systemd-initrd', '--install', R.keyPath, '--compress', 'zstd']);
}, 60 * 60_000);

function rootMount(r: BootResult): string {
  return /MARKER-STATE: .* root=(.*)$/m.exec(r.log)?.[1] ?? '';
}

async function boot(append: string, input: SerialInput[] = [], on: { kernel: string; initrd: string } = { kernel: kernelImage(), initrd: image }): Promise<BootResult> {
  const r = await bootVm({
    kernel: on.kernel,
    initrd: on.initrd,
    append,
    disks: [{ file: disks.luks, bus: 'virtio-blk' }],
    until: [REACHED, STATE_LINE],
    failOn: [/MARKER:systemd multi-user NOT reached/, /mkinitramfs-ts: cannot boot/, /Give root password|Press Enter for maintenance/],
    watch: [PROMPT, /Reached target .*Initrd Root File System/],
    input,
    timeoutMs: BOOT_TIMEOUT,
  });
  if (!r.matched) console.log(r.log.slice(-8000));
  expect(r.matched).toBe(true);
  expect(r.log).toMatch(IN_INITRD);
  expect(r.log).not.toMatch(/mkinitramfs-ts: handing over to systemd/); // not the shell /init
  const at = (re: RegExp): string => `${((r.timeline.find((t) => t.label === re.source)?.ms ?? Number.NaN) / 1000).toFixed(1)} s`;
  console.log(`[systemd-crypt] ${append}: prompt at ${at(PROMPT)}, marker at ${at(REACHED)} after qemu start (${r.accel})`);
  return r;
}

describe('the systemd-initrd image with LUKS', () => {
  it('carries systemd-cryptsetup, its generator, the console password agent and the dm rules', () => {
    const listing = runCli(['ls', image]);
    for (const p of [
      'usr/lib/systemd/system-generators/systemd-cryptsetup-generator',
      'usr/lib/systemd/systemd-cryptsetup',
      'usr/bin/systemd-tty-ask-password-agent',
      'usr/lib/systemd/system/sysinit.target.wants/systemd-ask-password-console.path',
      'usr/lib/udev/rules.d/95-dm-notify.rules',
      'usr/sbin/dmsetup',
    ])
      expect(listing).toContain(` ${p}`);
    expect(listing).toMatch(/^l\S+\s.* init -> usr\/lib\/systemd\/systemd$/m);
  });
});

describe.concurrent("Debian 12's systemd 252 opens the LUKS2 root", () => {
  it('rd.luks.uuid=: a wrong, then the right passphrase typed at systemd-ask-password on the console after rd.timeout= has passed', async () => {
    // the prompt pauses the wait for the root device: a user slower than rd.timeout= still boots
    const r = await boot(`root=UUID=${R.luks.fsUuid} rd.luks.uuid=${R.luks.luksUuid} rd.timeout=20`, [
      { when: PROMPT, send: 'not the passphrase\n' },
      { when: PROMPT, send: `${R.passphrase}\n`, delayMs: 30_000 },
    ]);
    expect(r.log).toMatch(/mkinitramfs-ts: a passphrase is asked for: the wait for the root device \/dev\/disk\/by-uuid\/\S+ pauses/);
    expect(r.log).not.toMatch(/did not appear within/);
    expect(r.log).toMatch(new RegExp(`Please enter passphrase for disk [^\\n]*luks-${R.luks.luksUuid}`));
    // the wrong one was refused and systemd-cryptsetup asked again (its reason goes to the journal, not the console)
    expect(r.log.match(new RegExp(PROMPT.source, 'g'))?.length).toBe(2);
    expect(r.log).not.toContain(R.passphrase); // the agent echoes '*' for each character typed
    expect(r.log).toMatch(new RegExp(`\\*{${R.passphrase.length}}`));
    expect(rootMount(r)).toMatch(/^\/dev\/(dm-0|mapper\/luks-\S+) ext4 /);
  }, BOOT_TIMEOUT + 30_000);

  it('rd.luks.name=, rd.luks.key= (a key file in the image), rd.luks.options=: no prompt', async () => {
    const r = await boot(`root=/dev/mapper/cryptroot rd.luks.name=${R.luks.luksUuid}=cryptroot rd.luks.key=${R.keyPath} rd.luks.options=discard`);
    expect(r.log).not.toMatch(/Please enter passphrase/);
    expect(r.log).toMatch(/Finished .*Cryptography Setup for cryptroot/);
    expect(rootMount(r)).toMatch(/^\/dev\/mapper\/cryptroot ext4 /);
  }, BOOT_TIMEOUT + 30_000);
});

describe("Debian 13's systemd 257 opens the LUKS2 root", () => {
  it('rd.luks.uuid=, the passphrase typed; systemd-cryptsetup without cryptsetup-bin in the sysroot', async () => {
    const k = trixieKernel();
    const sysroot = await trixieCryptSysroot();
    // crypt is not a default feature here (no cryptsetup CLI), so it is added; systemd-cryptsetup joins with it
    const img = buildFixtureImage('systemd-crypt-257', ['-N', '--sysroot', sysroot, '--kver', k.kver, '--add', 'systemd-initrd,crypt', '--compress', 'zstd']);
    const listing = runCli(['ls', img]);
    expect(listing).toMatch(/ usr\/lib\/systemd\/system-generators\/systemd-cryptsetup-generator$/m);
    expect(listing).not.toMatch(/ usr\/sbin\/cryptsetup$/m);
    // the storage matrix's LUKS2 disk holds Debian 12's systemd root: the initrd (257) is what is tested
    const r = await boot(`root=UUID=${R.luks.fsUuid} rd.luks.uuid=${R.luks.luksUuid}`, [{ when: PROMPT, send: `${R.passphrase}\n` }], { kernel: k.image, initrd: img });
    expect(r.log).toMatch(/systemd\[1\]: systemd 257/);
    expect(r.log).toMatch(new RegExp(`Please enter passphrase for disk [^\\n]*luks-${R.luks.luksUuid}`));
    expect(rootMount(r)).toMatch(/^\/dev\/(dm-0|mapper\/luks-\S+) ext4 /);
  }, BOOT_TIMEOUT + 60_000);
});
