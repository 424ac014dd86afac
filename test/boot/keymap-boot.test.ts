// The passphrase prompt with the host's console keymap: the sysroot says KEYMAP=de-latin1
// (/etc/vconsole.conf, console-data's map), and the passphrase is pressed on the guest's PS/2
// keyboard (QEMU's sendkey names US key positions) as a German user presses it: the '-' of the
// passphrase is the key right of '.', where a US keyboard has '/'. The storage matrix's LUKS2 disk
// and sysroot, Debian 12's systemd 252 in the image (systemd-tty-ask-password-agent asks on every
// active console: the prompt shows on the serial line, the keys arrive on tty1) and our shell /init
// (it asks on /dev/console, here tty1: the serial line sees the kernel log only).
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureImage, runCli } from '../support/build-image.js';
import { trixieCryptSysroot } from '../support/crypt/trixie-crypt-sysroot.js';
import { kernelImage, trixieKernel } from '../support/fixtures.js';
import { GERMAN_VCONSOLE, keymapSysroot } from '../support/keymap/keymap-sysroot.js';
import { bootVm, type BootResult, type SerialInput } from '../support/qemu.js';
import { STORAGE_RECIPE as R } from '../support/storage/recipe.js';
import { builderDisksEnv, storageDisks, type StorageDisks } from '../support/storage/storage-disks.js';
import { storageSysroot } from '../support/storage/storage-sysroot.js';

const BOOT_TIMEOUT = 300_000;
const REACHED = /MARKER:systemd multi-user reached/;
const PROMPT = /Please enter passphrase for disk [^\n]*\(press TAB for no echo\)/;
const LOADED = /mkinitramfs-ts: console keymap de-latin1 loaded/;
/**
 * The prompt on the serial line comes from the agent systemd started there; the one on tty1, where the
 * keys land, starts beside it and resets its terminal first (257 also queries it, and would take early
 * keys for the answer): the keys wait this long after the serial prompt.
 */
const AGENT_START_MS = 5_000;
const LUKS_ROOT = `root=UUID=${R.luks.fsUuid} rd.luks.uuid=${R.luks.luksUuid}`;

/** The keys (QEMU names: US positions) a German keyboard user presses to type TEXT, then Enter. */
function germanKeys(text: string): string {
  const moved: Record<string, string> = { y: 'z', z: 'y', '-': 'slash', ' ': 'spc' };
  return [...text].map((c) => {
    const key = moved[c] ?? (/^[a-x0-9]$/.test(c) ? c : undefined);
    if (key === undefined) throw new Error(`no German key position written down for ${JSON.stringify(c)}`);
    return key;
  }).concat('ret').join(' ');
}

let disks: StorageDisks;
let sysroot = '';
let systemdImage = '';
let shellImage = '';

beforeAll(async () => {
  disks = await storageDisks();
  sysroot = await keymapSysroot(await storageSysroot(builderDisksEnv()), GERMAN_VCONSOLE);
  systemdImage = buildFixtureImage('keymap-systemd', ['-N', '--sysroot', sysroot, '--add', 'systemd-initrd', '--compress', 'zstd']);
  shellImage = buildFixtureImage('keymap-shell', ['-N', '--sysroot', sysroot, '--compress', 'zstd']);
}, 60 * 60_000);

async function boot(initrd: string, append: string, input: SerialInput[], until: RegExp[], kernel = kernelImage()): Promise<BootResult> {
  const r = await bootVm({
    kernel,
    initrd,
    append,
    disks: [{ file: disks.luks, bus: 'virtio-blk' }],
    until,
    failOn: [/MARKER:systemd multi-user NOT reached/, /mkinitramfs-ts: cannot boot/, /Give root password|Press Enter for maintenance/],
    watch: [LOADED, PROMPT],
    input,
    timeoutMs: BOOT_TIMEOUT,
  });
  if (!r.matched) console.log(r.log.slice(-8000));
  expect(r.matched).toBe(true);
  const at = (re: RegExp): string => `${((r.timeline.find((t) => t.label === re.source)?.ms ?? Number.NaN) / 1000).toFixed(1)} s`;
  console.log(`[keymap] ${append}: keymap at ${at(LOADED)}, prompt at ${at(PROMPT)}, done at ${(r.durationMs / 1000).toFixed(1)} s (${r.accel})`);
  return r;
}

const prompts = (r: BootResult): number => r.log.match(/Please enter passphrase for disk/g)?.length ?? 0;

describe.concurrent('the console keymap of the passphrase prompt', () => {
  it('the image carries the compiled map, /etc/vconsole.conf and loadkmap, and says why', () => {
    const listing = runCli(['ls', systemdImage]);
    for (const path of [' etc/mkinitramfs-ts/keymaps/de-latin1.bmap', ' etc/vconsole.conf', '/mkinitramfs-ts-keymap.service', '/loadkmap -> '])
      expect(listing).toContain(path);
    const why = runCli(['explain', '-N', '--sysroot', sysroot, '/etc/mkinitramfs-ts/keymaps/de-latin1.bmap']);
    expect(why).toMatch(/console keymap de-latin1 from \/etc\/vconsole\.conf/);
  });

  it('systemd in the image: the German passphrase pressed on the keyboard opens the root (one prompt)', async () => {
    const r = await boot(systemdImage, `${LUKS_ROOT} console=tty1 console=ttyS0`, [{ when: PROMPT, send: germanKeys(R.passphrase), keyboard: true, delayMs: AGENT_START_MS }], [REACHED]);
    expect(r.log).toMatch(LOADED);
    expect(prompts(r)).toBe(1);
  }, BOOT_TIMEOUT + 30_000);

  it('control: with rd.vconsole.keymap=us the same keys are the wrong passphrase, systemd asks again', async () => {
    const r = await boot(systemdImage, `${LUKS_ROOT} rd.vconsole.keymap=us console=tty1 console=ttyS0`, [
      { when: PROMPT, send: germanKeys(R.passphrase), keyboard: true, delayMs: AGENT_START_MS },
      { when: PROMPT, send: `${R.passphrase}\n` }, // typed on the serial line, which has no keymap
    ], [REACHED]);
    expect(r.log).not.toMatch(LOADED);
    expect(prompts(r)).toBe(2);
  }, BOOT_TIMEOUT + 30_000);

  it('the shell /init: the German passphrase pressed on the keyboard (console tty1) opens the root', async () => {
    const r = await boot(shellImage, `${LUKS_ROOT} console=ttyS0 console=tty1`, [{ when: LOADED, send: germanKeys(R.passphrase), keyboard: true }], [
      /EXT4-fs \(dm-\d+\): mounted filesystem/,
      /systemd\[1\]: systemd \d+[^\n]* running in system mode/,
    ]);
    expect(r.log).toMatch(LOADED);
  }, BOOT_TIMEOUT + 30_000);

  it("Debian 13's systemd 257 in the image: the German passphrase pressed on the keyboard opens the root", async () => {
    const k = trixieKernel();
    const trixie = await keymapSysroot(await trixieCryptSysroot(), GERMAN_VCONSOLE);
    const img = buildFixtureImage('keymap-systemd-257', ['-N', '--sysroot', trixie, '--kver', k.kver, '--add', 'systemd-initrd,crypt', '--compress', 'zstd']);
    const r = await boot(img, `${LUKS_ROOT} console=tty1 console=ttyS0`, [{ when: PROMPT, send: germanKeys(R.passphrase), keyboard: true, delayMs: AGENT_START_MS }], [REACHED], k.image);
    expect(r.log).toMatch(/systemd\[1\]: systemd 257/);
    expect(r.log).toMatch(LOADED);
    expect(prompts(r)).toBe(1);
  }, BOOT_TIMEOUT + 60_000);
});
