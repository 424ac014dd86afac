import { describe, expect, it } from 'vitest';
import { crypttabEntryFor, formatCrypttab, parseCrypttab, wantsTpm2 } from '../../../src/detect/crypttab.js';

const TEXT = `# <name> <device> <key file> <options>
cryptroot  UUID=5A0E1C2D-0003-4c3b-9a8e-1f2d3c4b5a03  none  luks,discard,tpm2-device=auto

swap\t/dev/sda2\t/dev/urandom\tswap,cipher=aes-xts-plain64
home /dev/disk/by-uuid/11111111-2222-4333-8444-555555555555 /etc/keys/home.key
bare /dev/sdb1
`;

describe('parseCrypttab', () => {
  it('reads names, devices, key files (none/- are none) and options; skips comments and blank lines', () => {
    expect(parseCrypttab(TEXT)).toEqual([
      { name: 'cryptroot', device: 'UUID=5A0E1C2D-0003-4c3b-9a8e-1f2d3c4b5a03', keyFile: undefined, options: ['luks', 'discard', 'tpm2-device=auto'] },
      { name: 'swap', device: '/dev/sda2', keyFile: '/dev/urandom', options: ['swap', 'cipher=aes-xts-plain64'] },
      { name: 'home', device: '/dev/disk/by-uuid/11111111-2222-4333-8444-555555555555', keyFile: '/etc/keys/home.key', options: [] },
      { name: 'bare', device: '/dev/sdb1', keyFile: undefined, options: [] },
    ]);
  });

  it('finds the entry of a volume by mapping name or LUKS UUID (case-insensitive, UUID= or by-uuid)', () => {
    const entries = parseCrypttab(TEXT);
    expect(crypttabEntryFor(entries, 'cryptroot', undefined)?.name).toBe('cryptroot');
    expect(crypttabEntryFor(entries, 'luks-x', '5a0e1c2d-0003-4c3b-9a8e-1f2d3c4b5a03')?.name).toBe('cryptroot');
    expect(crypttabEntryFor(entries, undefined, '11111111-2222-4333-8444-555555555555')?.name).toBe('home');
    expect(crypttabEntryFor(entries, 'nosuch', '00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('tpm2-device= (any value) asks for a TPM2; other options do not', () => {
    const [root, swap] = parseCrypttab(TEXT);
    expect(root && wantsTpm2(root)).toBe(true);
    expect(swap && wantsTpm2(swap)).toBe(false);
    expect(wantsTpm2({ name: 'x', device: 'y', keyFile: undefined, options: ['tpm2-pcrs=7'] })).toBe(false);
  });
});

describe('formatCrypttab', () => {
  it('writes entries that parse back to themselves', () => {
    const entries = parseCrypttab(TEXT).slice(0, 3);
    const text = formatCrypttab(entries);
    expect(text).toMatch(/^# .*\ncryptroot UUID=5A0E1C2D-0003-4c3b-9a8e-1f2d3c4b5a03 none luks,discard,tpm2-device=auto\n/);
    expect(text).toContain('\nhome /dev/disk/by-uuid/11111111-2222-4333-8444-555555555555 /etc/keys/home.key\n');
    expect(parseCrypttab(text)).toEqual(entries);
  });
});
