// build --uki on the real sysroot (bookworm, systemd-boot-efi 252): the .initrd section is byte for
// byte the image a plain build writes, ls/cat/verify read the UKI like an image, the file is
// reproducible and private, uki = true in a configuration file does the same, and a sysroot without
// the stub is refused by name.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/build-image.js';
import { buildSysroot, efiSysroot, kver } from '../support/fixtures.js';
import { findSection, readPe, sectionData } from '../../src/uki/pe-file.js';

const ENV = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: ENV, maxBuffer: 64 << 20 });
const BUILD = (sysroot: string) => ['build', '--sysroot', sysroot, '--kver', kver(), '-N', '--compress', 'zstd', '-q', '--kernel-cmdline', 'console=ttyS0 quiet'];
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-uki-real-'));
  for (const [out, extra] of [['plain.img', []], ['a.efi', ['--uki']], ['b.efi', ['--uki']]] as const) {
    const r = cli([...BUILD(efiSysroot()), ...extra, '-o', join(dir, out)]);
    if (r.status !== 0) throw new Error(r.stderr);
  }
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('build --uki', () => {
  it('holds the sysroot kernel, os-release, KVER, the command line and, as .initrd, exactly the plain image', () => {
    const uki = readFileSync(join(dir, 'a.efi'));
    const pe = readPe(uki, 'a.efi');
    const data = (name: string) => sectionData(uki, findSection(pe, name)!);
    expect(data('.initrd').equals(readFileSync(join(dir, 'plain.img')))).toBe(true);
    expect(data('.linux').equals(readFileSync(join(efiSysroot(), 'boot', `vmlinuz-${kver()}`)))).toBe(true);
    expect(data('.osrel').equals(readFileSync(join(efiSysroot(), 'usr/lib/os-release')))).toBe(true);
    expect(data('.uname').toString()).toBe(kver());
    expect(data('.cmdline').toString()).toBe('console=ttyS0 quiet');
    expect(data('.sbat').toString()).toMatch(/^sbat,1,[^\n]*\nsystemd,1,[\s\S]*\nmkinitramfs-ts,1,/);
  });

  it('is byte-identical when built twice with SOURCE_DATE_EPOCH, whose value is the PE time stamp; only root may read it', () => {
    const a = readFileSync(join(dir, 'a.efi'));
    expect(a.equals(readFileSync(join(dir, 'b.efi')))).toBe(true);
    expect(a.readUInt32LE(a.readUInt32LE(0x3c) + 8)).toBe(1700000000);
    expect(statSync(join(dir, 'a.efi')).mode & 0o777).toBe(0o600);
  });

  it('ls, cat and verify read the UKI like the image it holds; verify takes the kernel version from .uname', () => {
    const ls = (f: string) => cli(['ls', join(dir, f)]);
    expect(ls('a.efi').stdout).toBe(ls('plain.img').stdout);
    expect(cli(['cat', join(dir, 'a.efi'), '/init']).stdout).toBe(cli(['cat', join(dir, 'plain.img'), '/init']).stdout);
    const v = cli(['verify', join(dir, 'a.efi')]);
    expect(v.stdout).toBe(`${join(dir, 'a.efi')}: no problems found\n`);
    expect(v.status).toBe(0);
    // the kernel version came from .uname: a wrong one in .uname is checked against the modules
    const uki = Buffer.from(readFileSync(join(dir, 'a.efi')));
    const uname = findSection(readPe(uki, 'x'), '.uname')!;
    uki.write('9.9.9-nothere'.padEnd(uname.virtualSize, 'x').slice(0, uname.virtualSize), uname.rawOffset, 'latin1');
    writeFileSync(join(dir, 'uname.efi'), uki);
    const bad = cli(['verify', join(dir, 'uname.efi')]);
    expect(bad.status).toBe(13);
    expect(bad.stdout).toMatch(/9\.9\.9-nothere/);
  });

  it('verify names what is wrong with a truncated UKI and with one without .initrd', () => {
    const uki = readFileSync(join(dir, 'a.efi'));
    writeFileSync(join(dir, 'cut.efi'), uki.subarray(0, uki.length - 4096));
    const cut = cli(['verify', join(dir, 'cut.efi')]);
    expect(cut.status).toBe(13);
    expect(cut.stdout).toContain(`${join(dir, 'cut.efi')}: UKI: .linux runs past the end of the file (truncated?)`);
    const renamed = Buffer.from(uki);
    const pe = readPe(renamed, 'x');
    const at = pe.tableOffset + pe.sections.findIndex((s) => s.name === '.initrd') * 40;
    renamed.write('.nitrd\0\0', at, 8, 'latin1');
    writeFileSync(join(dir, 'noinitrd.efi'), renamed);
    const r = cli(['verify', join(dir, 'noinitrd.efi')]);
    expect(r.status).toBe(14);
    expect(r.stdout + r.stderr).toMatch(/without an \.initrd section/);
  });

  it('uki = true in the configuration file writes a UKI; --no-uki overrides it', () => {
    const conf = join(dir, 'uki.conf');
    writeFileSync(conf, 'uki = true\n');
    const r = cli([...BUILD(efiSysroot()), '--conf', conf, '-o', join(dir, 'conf.efi')]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, 'conf.efi')).equals(readFileSync(join(dir, 'a.efi')))).toBe(true);
    const n = cli([...BUILD(efiSysroot()), '--conf', conf, '--no-uki', '-o', join(dir, 'conf.img')]);
    expect(n.status).toBe(0);
    expect(readFileSync(join(dir, 'conf.img')).equals(readFileSync(join(dir, 'plain.img')))).toBe(true);
  });

  it('a sysroot without systemd-boot-efi: exit 3 naming the stub and the package, nothing written', () => {
    const out = join(dir, 'nostub.efi');
    const r = cli([...BUILD(buildSysroot()), '--uki', '-o', out]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`${buildSysroot()}/usr/lib/systemd/boot/efi/linuxx64.efi.stub: the systemd EFI stub is missing: install the sysroot's systemd-boot-efi package`);
    expect(() => statSync(out)).toThrow();
  });
});
