// build --uki --secureboot-key/--secureboot-cert: sbsign signs the UKI, sbverify accepts it with that
// certificate and `verify --secureboot-cert` says so; another certificate is a problem; the flags
// come in pairs and only with --uki.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/build-image.js';
import { efiSysroot, kver, ovmf } from '../support/fixtures.js';
import { findSection, readPe, sectionData } from '../../src/uki/pe-file.js';
import { ukiChecks } from '../../src/inspect/verify/check-uki.js';

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: '1700000000' }, maxBuffer: 64 << 20 });
const BUILD = () => ['build', '--sysroot', efiSysroot(), '--kver', kver(), '-N', '--compress', 'zstd', '-q'];
let dir = '';

/** A throw-away RSA key and self-signed certificate (openssl). */
function makeKeyPair(at: string, cn: string): { key: string; cert: string } {
  const key = join(at, `${cn}.key`);
  const cert = join(at, `${cn}.pem`);
  execFileSync('openssl', ['req', '-new', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', `/CN=${cn}`], { stdio: 'ignore' });
  return { key, cert };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-uki-sign-'));
  ovmf(); // the fixture set this file belongs to
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('signed UKI', () => {
  it('sbverify accepts it with the certificate, verify --secureboot-cert agrees; another certificate is a problem', () => {
    const mine = makeKeyPair(dir, 'mine');
    const other = makeKeyPair(dir, 'other');
    const out = join(dir, 'signed.efi');
    const plain = join(dir, 'plain.img');
    expect(cli([...BUILD(), '-o', plain]).status).toBe(0);
    const r = cli([...BUILD(), '--uki', '--secureboot-key', mine.key, '--secureboot-cert', mine.cert, '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(spawnSync('sbverify', ['--cert', mine.cert, out]).status).toBe(0);
    const ok = cli(['verify', '--secureboot-cert', mine.cert, out]);
    expect(ok.stdout).toBe(`${out}: no problems found\n`);
    const bad = cli(['verify', '--secureboot-cert', other.cert, out]);
    expect(bad.status).toBe(13);
    expect(bad.stdout).toContain(`${out}: Secure Boot signature not valid for ${other.cert}`);
    // the signature sits after the sections: the image inside is the plain one
    const uki = readFileSync(out);
    expect(sectionData(uki, findSection(readPe(uki, out), '.initrd')!).equals(readFileSync(plain))).toBe(true);
    expect(readPe(uki, out).signatureSize).toBeGreaterThan(0);
  });

  it('verify checks the bytes it read: the signature of those bytes, not of whatever the path holds later', () => {
    const k = makeKeyPair(dir, 'once');
    const signed = join(dir, 'once-signed.efi');
    const unsigned = join(dir, 'once-unsigned.efi');
    expect(cli([...BUILD(), '--uki', '--secureboot-key', k.key, '--secureboot-cert', k.cert, '-o', signed]).status).toBe(0);
    expect(cli([...BUILD(), '--uki', '-o', unsigned]).status).toBe(0);
    const signedBytes = readFileSync(signed);
    const unsignedBytes = readFileSync(unsigned);
    // the path now names the unsigned file: the bytes read before (signed) still pass, and the other
    // way round the unsigned bytes fail although the path holds a signed file
    writeFileSync(signed, unsignedBytes);
    writeFileSync(unsigned, signedBytes);
    expect(ukiChecks(signedBytes, signed, k.cert).problems).toEqual([]);
    const bad = ukiChecks(unsignedBytes, unsigned, k.cert).problems.map((p) => p.message);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(new RegExp(`^${unsigned}: Secure Boot signature not valid for ${k.cert}: `));
    expect(bad[0]).not.toContain('mkinitramfs-ts-sbverify-'); // the private copy is not named
  });

  it('the flags come in pairs, only with --uki, and name a missing file', () => {
    const k = makeKeyPair(dir, 'pair');
    const out = join(dir, 'x.efi');
    expect(cli([...BUILD(), '--uki', '--secureboot-key', k.key, '-o', out]).stderr).toContain('--secureboot-key needs --secureboot-cert as well');
    const noUki = cli([...BUILD(), '--secureboot-key', k.key, '--secureboot-cert', k.cert, '-o', out]);
    expect(noUki.status).toBe(2);
    expect(noUki.stderr).toContain('--secureboot-key signs a UKI: add --uki');
    const missing = cli([...BUILD(), '--uki', '--secureboot-key', join(dir, 'nope.key'), '--secureboot-cert', k.cert, '-o', out]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`${join(dir, 'nope.key')}: no such file (--secureboot-key)`);
  });

  it('a key that does not match the certificate: sbsign or sbverify refuses, nothing is written', () => {
    const a = makeKeyPair(dir, 'a');
    const b = makeKeyPair(dir, 'b');
    const out = join(dir, 'mismatch.efi');
    const r = cli([...BUILD(), '--uki', '--secureboot-key', a.key, '--secureboot-cert', b.cert, '-o', out]);
    expect(r.status).toBe(12);
    expect(r.stderr).toMatch(/cannot (sign the UKI|check the new signature)/);
    expect(spawnSync('test', ['-e', out]).status).toBe(1);
  });
});
