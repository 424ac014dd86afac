// buildUki's kernel: the sysroot's /boot/vmlinuz-KVER, or --kernel-image (kernel-install's KERNEL_IMAGE),
// a file on this machine that must be an EFI-bootable kernel.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BadImageError, NotFoundError, UsageError } from '../../../src/errors.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { findSection, readPe, sectionData } from '../../../src/uki/pe-file.js';
import { buildUki } from '../../../src/uki/build-uki.js';
import { efiSysroot, kver } from '../../support/fixtures.js';
import { cleanup, testdir } from '../config/testdir.js';

afterEach(cleanup);

const uki = (kernelImage?: string) =>
  Buffer.concat(buildUki({ host: new FsHost({ root: efiSysroot() }), kver: kver(), cmdline: '', initrd: [Buffer.alloc(512)], timestamp: 0, ...(kernelImage ? { kernelImage } : {}) }).parts);
const linux = (b: Buffer) => sectionData(b, findSection(readPe(b, 'uki'), '.linux')!);

describe('the UKI kernel', () => {
  it("is the sysroot's /boot/vmlinuz-KVER by default, the --kernel-image file when given", () => {
    const sysrootKernel = readFileSync(join(efiSysroot(), 'boot', `vmlinuz-${kver()}`));
    expect(linux(uki()).equals(sysrootKernel)).toBe(true);
    const other = Buffer.concat([sysrootKernel, Buffer.from('another build')]);
    const dir = testdir();
    writeFileSync(join(dir, 'vmlinuz'), other);
    expect(linux(uki(join(dir, 'vmlinuz'))).equals(other)).toBe(true);
  });

  it('refuses a --kernel-image that is no EFI kernel, a directory, or missing, naming it', () => {
    const dir = testdir({ 'notes.txt': 'not a kernel' });
    expect(() => uki(join(dir, 'notes.txt'))).toThrow(BadImageError);
    expect(() => uki(join(dir, 'notes.txt'))).toThrow(new RegExp(`${join(dir, 'notes.txt')}: not an EFI-bootable kernel`));
    expect(() => uki(dir)).toThrow(UsageError);
    expect(() => uki(join(dir, 'nope'))).toThrow(NotFoundError);
  });
});
