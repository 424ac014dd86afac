// The kernel-install plugin run by the REAL systemd kernel-install against a temporary $BOOT, with
// mkinitramfs-ts building from the fixture kernel. Checks where each layout puts the initrd, that it
// is a real image, and that remove cleans up.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageFile } from '../../src/cpio/newc-reader.js';
import { COMMAND, REPO, buildDist, makeSysroot } from '../support/real-sysroot.js';
import { efiSysroot, trixieRoot } from '../support/fixtures.js';
import { findSection, readPe, sectionData } from '../../src/uki/pe-file.js';

const PLUGIN = join(REPO, 'kernel-hooks/50-mkinitramfs-ts.install');
const LOADER_ENTRY = '/usr/lib/kernel/install.d/90-loaderentry.install';
const MACHINE_ID = '0123456789abcdef0123456789abcdef';
let sys: ReturnType<typeof makeSysroot>;
let work: string;

beforeAll(() => {
  buildDist();
  sys = makeSysroot();
  work = mkdtempSync(join(tmpdir(), 'mkits-ki-'));
});
afterAll(() => {
  sys?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Setup {
  esp: string;
  conf: string;
  boot: string;
}

function setup(name: string, installConf: string): Setup {
  const esp = join(work, name, 'esp');
  const conf = join(work, name, 'conf');
  const boot = join(work, name, 'boot');
  for (const d of [esp, conf, boot]) mkdirSync(d, { recursive: true });
  writeFileSync(join(conf, 'install.conf'), installConf);
  writeFileSync(join(conf, 'cmdline'), 'root=LABEL=root console=ttyS0\n');
  return { esp, conf, boot };
}

function kernelInstall(s: Setup, args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync('kernel-install', args, {
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      BOOT_ROOT: s.esp,
      MACHINE_ID,
      KERNEL_INSTALL_CONF_ROOT: s.conf,
      KERNEL_INSTALL_PLUGINS: `${PLUGIN} ${LOADER_ENTRY}`,
      MKINITRAMFS_TS: COMMAND,
      MKINITRAMFS_TS_ARGS: `--sysroot ${sys.root}`,
      MKINITRAMFS_TS_BOOT_DIR: s.boot,
      ...extraEnv,
    },
  });
}

async function expectImage(path: string): Promise<void> {
  const magic = readFileSync(path).subarray(0, 4);
  expect([magic.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])), magic.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))]).toContain(true);
  const entries = (await readImageFile(path)).flatMap((seg) => seg.entries.map((e) => e.path));
  expect(entries).toContain('init');
  expect(entries.some((p) => p.startsWith(`usr/lib/modules/${sys.kver}/`) || p.startsWith(`lib/modules/${sys.kver}/`))).toBe(true);
}

describe('kernel-install with 50-mkinitramfs-ts.install', () => {
  it('is the real systemd kernel-install, new enough for the staging area', () => {
    const v = spawnSync('kernel-install', ['--version'], { encoding: 'utf8' });
    expect(v.status).toBe(0);
    expect(Number(/kernel-install (\d+)/.exec(v.stdout)?.[1])).toBeGreaterThanOrEqual(251);
  });

  it('bls layout: add puts the initrd into the entry directory and the loader entry; remove deletes both', async () => {
    const s = setup('bls', 'layout=bls\n');
    const vmlinuz = join(sys.root, 'boot', `vmlinuz-${sys.kver}`);
    const add = kernelInstall(s, ['--verbose', 'add', sys.kver, vmlinuz]);
    expect(add.stderr + add.stdout).not.toMatch(/error/i);
    expect(add.status).toBe(0);
    expect(add.stdout).toContain('50-mkinitramfs-ts: +');
    const entryDir = join(s.esp, MACHINE_ID, sys.kver);
    expect(readdirSync(entryDir).sort()).toEqual(['initrd', 'linux']);
    await expectImage(join(entryDir, 'initrd'));
    const entry = readFileSync(join(s.esp, 'loader/entries', `${MACHINE_ID}-${sys.kver}.conf`), 'utf8');
    expect(entry).toMatch(new RegExp(`^initrd +.*/${MACHINE_ID}/${sys.kver}/initrd$`, 'm'));
    expect(existsSync(join(s.boot, `initrd.img-${sys.kver}`))).toBe(false);

    const remove = kernelInstall(s, ['remove', sys.kver]);
    expect(remove.status).toBe(0);
    expect(existsSync(entryDir)).toBe(false);
    expect(existsSync(join(s.esp, 'loader/entries', `${MACHINE_ID}-${sys.kver}.conf`))).toBe(false);
  });

  it('uki layout: add builds a whole UKI into the staging area (.cmdline from kernel-install\'s cmdline), 90-uki-copy installs it as $BOOT/EFI/Linux/TOKEN-KVER.efi; remove deletes it', async () => {
    const s = setup('uki', 'layout=uki\n');
    // systemd 257's 90-uki-copy.install (Debian 13): this host's kernel-install 252 ships none
    const ukiCopy = join(trixieRoot(), 'usr/lib/kernel/install.d/90-uki-copy.install');
    const env = { KERNEL_INSTALL_PLUGINS: `${PLUGIN} ${ukiCopy}`, MKINITRAMFS_TS_ARGS: `--sysroot ${efiSysroot()} -N` };
    // KERNEL_IMAGE is not the sysroot's /boot/vmlinuz-KVER (kernel-install may be given any path): a copy
    // with 512 more bytes, so .linux shows which file the UKI took
    const given = join(work, 'uki-vmlinuz');
    writeFileSync(given, Buffer.concat([readFileSync(join(efiSysroot(), 'boot', `vmlinuz-${sys.kver}`)), Buffer.alloc(512, 0x5a)]));
    const add = kernelInstall(s, ['--verbose', 'add', sys.kver, given], env);
    expect(add.status, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/50-mkinitramfs-ts: \+ .* --output \S+\/uki\.efi --uki --kernel-cmdline root=LABEL=root console=ttyS0 --kernel-image \S+\/uki-vmlinuz/);
    const file = join(s.esp, 'EFI/Linux', `${MACHINE_ID}-${sys.kver}.efi`);
    const uki = readFileSync(file);
    const pe = readPe(uki, file);
    expect(sectionData(uki, findSection(pe, '.cmdline')!).toString()).toBe('root=LABEL=root console=ttyS0');
    expect(sectionData(uki, findSection(pe, '.uname')!).toString()).toBe(sys.kver);
    expect(sectionData(uki, findSection(pe, '.linux')!).equals(readFileSync(given))).toBe(true);
    const entries = (await readImageFile(file)).flatMap((seg) => seg.entries.map((e) => e.path)); // its .initrd
    expect(entries).toContain('init');
    expect(entries.some((p) => p.startsWith(`usr/lib/modules/${sys.kver}/`))).toBe(true);
    expect(existsSync(join(s.esp, MACHINE_ID, sys.kver, 'initrd'))).toBe(false);
    expect(existsSync(join(s.boot, `initrd.img-${sys.kver}`))).toBe(false);

    const remove = kernelInstall(s, ['remove', sys.kver], env);
    expect(remove.status).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it('other layout: add builds BOOT_DIR/initrd.img-KVER and no entry; remove deletes it', async () => {
    const s = setup('other', 'layout=other\n');
    const add = kernelInstall(s, ['add', sys.kver, join(sys.root, 'boot', `vmlinuz-${sys.kver}`)]);
    expect(add.status, add.stderr).toBe(0);
    await expectImage(join(s.boot, `initrd.img-${sys.kver}`));
    expect(existsSync(join(s.esp, 'loader'))).toBe(false);
    expect(kernelInstall(s, ['remove', sys.kver]).status).toBe(0);
    expect(existsSync(join(s.boot, `initrd.img-${sys.kver}`))).toBe(false);
  });

  it('an initrd given to kernel-install is used as it is: nothing is built', () => {
    const s = setup('given', 'layout=bls\n');
    const given = join(work, 'given.img');
    writeFileSync(given, 'not built by us');
    const add = kernelInstall(s, ['add', sys.kver, join(sys.root, 'boot', `vmlinuz-${sys.kver}`), given]);
    expect(add.status, add.stderr).toBe(0);
    expect(readdirSync(join(s.esp, MACHINE_ID, sys.kver)).sort()).toEqual(['given.img', 'linux']);
  });

  it('initrd_generator= naming another generator: nothing is built', () => {
    const s = setup('dracut', 'layout=bls\ninitrd_generator=dracut\n');
    const add = kernelInstall(s, ['add', sys.kver, join(sys.root, 'boot', `vmlinuz-${sys.kver}`)]);
    expect(add.status, add.stderr).toBe(0);
    expect(readdirSync(join(s.esp, MACHINE_ID, sys.kver))).toEqual(['linux']);
  });

  it('bls: a failed rebuild of an installed kernel keeps its previous initrd in the entry, warns and succeeds', { timeout: 300_000 }, async () => {
    const s = setup('refail', 'layout=bls\n');
    const vmlinuz = join(sys.root, 'boot', `vmlinuz-${sys.kver}`);
    const first = kernelInstall(s, ['add', sys.kver, vmlinuz]);
    expect(first.status, first.stderr).toBe(0);
    const entryDir = join(s.esp, MACHINE_ID, sys.kver);
    const before = readFileSync(join(entryDir, 'initrd'));
    const again = kernelInstall(s, ['add', sys.kver, vmlinuz], { MKINITRAMFS_TS_ARGS: `--sysroot ${sys.root} --compress rar` });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('unknown compression "rar"');
    expect(again.stderr).toContain(`mkinitramfs-ts: warning: no new initramfs for ${sys.kver} (exit 2, see above): the previous ${entryDir}/initrd stays in use`);
    expect(readFileSync(join(entryDir, 'initrd')).equals(before)).toBe(true);
    await expectImage(join(entryDir, 'initrd'));
    const entry = readFileSync(join(s.esp, 'loader/entries', `${MACHINE_ID}-${sys.kver}.conf`), 'utf8');
    expect(entry).toMatch(new RegExp(`^initrd +.*/${MACHINE_ID}/${sys.kver}/initrd$`, 'm'));
  });

  it('a failed build of a kernel without any initrd fails kernel-install before a loader entry is written', () => {
    const s = setup('fail', 'layout=bls\n');
    const add = kernelInstall(s, ['add', sys.kver, join(sys.root, 'boot', `vmlinuz-${sys.kver}`)], {
      MKINITRAMFS_TS_ARGS: `--sysroot ${sys.root} --compress rar`,
    });
    expect(add.status).toBe(2);
    expect(add.stderr).toContain('unknown compression "rar"');
    expect(add.stderr).toContain(`error: ${sys.kver} has no initramfs (exit 2): fix the error above, then run: kernel-install add ${sys.kver} `);
    expect(existsSync(join(s.esp, 'loader/entries', `${MACHINE_ID}-${sys.kver}.conf`))).toBe(false);
  });
});
