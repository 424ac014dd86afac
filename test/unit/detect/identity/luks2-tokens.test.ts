// LUKS2 token types from real headers (made by cryptsetup 2.6.1 and systemd-cryptenroll 252, see
// luks2-headers/make-headers.sh), and from damaged ones: never a throw, never a wrong answer.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readLuks } from '../../../../src/detect/identity/luks.js';
import { readLuks2TokenTypes } from '../../../../src/detect/identity/luks2-tokens.js';
import type { ReadAt } from '../../../../src/detect/identity/read-at.js';

const header = (name: string): Buffer => readFileSync(new URL(`./luks2-headers/${name}.hdr`, import.meta.url));
const reader = (bytes: Buffer): ReadAt => (offset, length) => bytes.subarray(offset, offset + length);

describe('readLuks2TokenTypes on real headers', () => {
  it("finds systemd-cryptenroll's recovery token and the systemd-tpm2 token", () => {
    expect(readLuks2TokenTypes(reader(header('tpm2')))).toEqual(['systemd-recovery', 'systemd-tpm2']);
  });

  it('a LUKS2 volume without tokens has none; LUKS1 has no LUKS2 metadata at all', () => {
    expect(readLuks2TokenTypes(reader(header('plain')))).toEqual([]);
    expect(readLuks2TokenTypes(reader(header('luks1')))).toBeUndefined();
  });

  it('the superblock probe carries them (and only when there are some)', () => {
    expect(readLuks(reader(header('tpm2')))).toEqual({ type: 'crypto_LUKS', uuid: '5a0e1c2d-00a2-4c3b-9a8e-1f2d3c4b5aa2', luksTokens: ['systemd-recovery', 'systemd-tpm2'] });
    expect(readLuks(reader(header('plain')))).toEqual({ type: 'crypto_LUKS', uuid: '5a0e1c2d-00a1-4c3b-9a8e-1f2d3c4b5aa1' });
    expect(readLuks(reader(header('luks1')))).toEqual({ type: 'crypto_LUKS', uuid: '5a0e1c2d-00a3-4c3b-9a8e-1f2d3c4b5aa3' });
  });
});

describe('readLuks2TokenTypes on damaged headers', () => {
  const withSize = (size: bigint): Buffer => {
    const b = Buffer.from(header('tpm2'));
    b.writeBigUInt64BE(size, 8);
    return b;
  };

  it('a header size that LUKS2 does not allow is no metadata (not a huge read)', () => {
    const asked: number[] = [];
    for (const size of [0n, 4096n, 16383n, 24576n, 8n * 1024n * 1024n, 2n ** 63n]) {
      const bytes = withSize(size);
      expect(readLuks2TokenTypes((o, l) => (asked.push(l), bytes.subarray(o, o + l)))).toBeUndefined();
    }
    expect(Math.max(...asked)).toBe(16);
  });

  it('JSON that does not parse, or is not an object, is no metadata; odd tokens are ignored', () => {
    const json = (text: string): Buffer => {
      const b = Buffer.alloc(16384);
      header('plain').copy(b, 0, 0, 4096);
      b.write(text, 4096, 'utf8');
      return b;
    };
    expect(readLuks2TokenTypes(reader(json('{"tokens": {"0": {"type": "systemd-tpm2"')))).toBeUndefined();
    expect(readLuks2TokenTypes(reader(json('"tokens"')))).toBeUndefined();
    expect(readLuks2TokenTypes(reader(json('{"tokens": []}')))).toEqual([]);
    expect(readLuks2TokenTypes(reader(json('{"tokens": {"0": null, "1": {"type": 7}, "2": {"type": "systemd-fido2"}, "3": {"type": "systemd-fido2"}}}')))).toEqual(['systemd-fido2']);
  });

  it('a truncated device (metadata cut short) is no metadata', () => {
    expect(readLuks2TokenTypes(reader(header('tpm2').subarray(0, 5000)))).toBeUndefined();
  });
});
