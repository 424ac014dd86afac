// Which declared dlopen() libraries a build takes: by priority, or by the note's feature name; the
// rest are remembered for the plan's notes.
import { describe, expect, it } from 'vitest';
import type { DlopenDependency } from '../../../src/elf/dlopen-notes.js';
import { dlopenSelection } from '../../../src/elf/dlopen-selection.js';

const dep = (feature: string, priority: DlopenDependency['priority'], ...sonames: string[]): DlopenDependency => ({ feature, description: '', priority, sonames });
const kmod = dep('kmod', 'recommended', 'libkmod.so.2');
const tpmEsys = dep('tpm', 'suggested', 'libtss2-esys.so.0');
const tpmMu = dep('tpm', 'suggested', 'libtss2-mu.so.0');
const cryptsetup = dep('cryptsetup', 'suggested', 'libcryptsetup.so.12');
const qr = dep('qrencode', 'suggested', 'libqrencode.so.4', 'libqrencode.so.3');
const SHARED = '/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-257.so';

describe('dlopenSelection', () => {
  it('no words: no filter (the notes are not even read)', () => {
    expect(dlopenSelection([]).filter).toBeUndefined();
  });

  it('a priority takes every library declared at it, nothing else', () => {
    const s = dlopenSelection(['required', 'recommended']);
    expect([kmod, tpmEsys, cryptsetup].map((d) => s.filter?.(d, SHARED))).toEqual([true, false, false]);
  });

  it("a feature name takes that feature's libraries at any priority", () => {
    const s = dlopenSelection(['recommended', 'tpm']);
    expect([kmod, tpmEsys, tpmMu, cryptsetup, qr].map((d) => s.filter?.(d, SHARED))).toEqual([true, true, true, false, false]);
  });

  it('remembers what it left out, once per soname, with every file that declared it, sorted', () => {
    const s = dlopenSelection(['kmod']);
    for (const d of [qr, cryptsetup, kmod]) s.filter?.(d, SHARED);
    s.filter?.(cryptsetup, '/usr/lib/systemd/systemd-cryptsetup');
    expect(s.skipped()).toEqual([
      { soname: 'libcryptsetup.so.12', feature: 'cryptsetup', priority: 'suggested', from: [SHARED, '/usr/lib/systemd/systemd-cryptsetup'] },
      { soname: 'libqrencode.so.4', feature: 'qrencode', priority: 'suggested', from: [SHARED] },
    ]);
  });

  it('a library left out for one declaration but taken for another is not reported as skipped', () => {
    const s = dlopenSelection(['cryptsetup']);
    s.filter?.(dep('other', 'suggested', 'libcryptsetup.so.12'), '/a');
    s.filter?.(cryptsetup, SHARED);
    expect(s.skipped()).toEqual([]);
  });

  it('a note whose feature is named like a priority is not taken by that word as a feature', () => {
    const s = dlopenSelection(['required']);
    expect(s.filter?.(dep('required', 'suggested', 'libx.so.1'), SHARED)).toBe(false);
  });
});
