// A Unified Kernel Image from the sysroot's own parts: its systemd EFI stub, os-release and kernel,
// with the initramfs just built and the command line it embeds. Returns the file's parts.
import { statSync, readFileSync } from 'node:fs';
import { BadImageError, fsError, NotFoundError, UsageError } from '../errors.js';
import type { Host } from '../host/host.js';
import { findSection, looksLikePe, readPe, sectionData } from './pe-file.js';
import { mergeSbat } from './sbat.js';
import { layoutUki, type UkiLayout, type UkiSection } from './uki-layout.js';

export const STUB_PATH = '/usr/lib/systemd/boot/efi/linuxx64.efi.stub';
const OS_RELEASE = ['/etc/os-release', '/usr/lib/os-release'];

export interface UkiInputs {
  host: Host;
  kver: string;
  /** The kernel command line: host-only's root= and --kernel-cmdline; empty means no .cmdline section. */
  cmdline: string;
  /** The initramfs as written without --uki (early microcode first). */
  initrd: readonly Buffer[];
  /** COFF time stamp: SOURCE_DATE_EPOCH or 0. */
  timestamp: number;
  /** The kernel for .linux, a file on the build machine (kernel-install's KERNEL_IMAGE); default the sysroot's. */
  kernelImage?: string;
}

export function buildUki(inputs: UkiInputs): UkiLayout {
  const { host, kver } = inputs;
  const stub = _required(host, STUB_PATH, 'the systemd EFI stub', "install the sysroot's systemd-boot-efi package");
  const { kernel, kernelName } = inputs.kernelImage === undefined ? _sysrootKernel(host, kver) : _givenKernel(inputs.kernelImage);
  const osrelPath = OS_RELEASE.find((p) => host.stat(p)?.isFile() === true);
  if (osrelPath === undefined) throw new NotFoundError(`${host.root}: no /etc/os-release or /usr/lib/os-release for the UKI's .osrel: install base-files (or the distribution's os-release) in the sysroot`);
  const stubSbat = findSection(readPe(stub, host.diskPath(STUB_PATH)), '.sbat');
  const sbatInputs = stubSbat ? [sectionData(stub, stubSbat)] : [];
  if (looksLikePe(kernel)) {
    const ks = findSection(readPe(kernel, kernelName), '.sbat');
    if (ks) sbatInputs.push(sectionData(kernel, ks));
  }
  const initrd = inputs.initrd.length === 1 ? (inputs.initrd[0] as Buffer) : Buffer.concat(inputs.initrd);
  const sections: UkiSection[] = [
    { name: '.osrel', data: host.readFile(osrelPath) },
    ...(inputs.cmdline.trim() ? [{ name: '.cmdline', data: Buffer.from(inputs.cmdline.trim(), 'utf8') }] : []),
    { name: '.uname', data: Buffer.from(kver, 'utf8') },
    { name: '.sbat', data: mergeSbat(sbatInputs) },
    { name: '.initrd', data: initrd },
    { name: '.linux', data: kernel },
  ];
  return layoutUki(stub, host.diskPath(STUB_PATH), sections, inputs.timestamp);
}

function _sysrootKernel(host: Host, kver: string): { kernel: Buffer; kernelName: string } {
  // Debian's place, then the one systemd's kernel-install layout uses
  const candidates = [`/boot/vmlinuz-${kver}`, `/usr/lib/modules/${kver}/vmlinuz`, `/lib/modules/${kver}/vmlinuz`];
  const kernelPath = candidates.find((p) => host.stat(p)?.isFile() === true) ?? (candidates[0] as string);
  const kernel = _required(host, kernelPath, 'the kernel image', `install the kernel ${kver} in the sysroot, choose it with --kver or give it with --kernel-image`);
  return { kernel, kernelName: host.diskPath(kernelPath) };
}

/** --kernel-image: read as a regular file, so a FIFO or a device cannot hang or fill the build. */
function _givenKernel(path: string): { kernel: Buffer; kernelName: string } {
  let kernel: Buffer;
  try {
    if (!statSync(path).isFile()) throw new UsageError(`${path}: not a regular file (--kernel-image): give the kernel image file`);
    kernel = readFileSync(path);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw fsError(err, path);
  }
  if (!looksLikePe(kernel)) throw new BadImageError(`${path}: not an EFI-bootable kernel (no MZ/PE header) (--kernel-image): give a vmlinuz built with CONFIG_EFI_STUB`, path);
  return { kernel, kernelName: path };
}

function _required(host: Host, path: string, what: string, fix: string): Buffer {
  if (host.stat(path)?.isFile() !== true) throw new NotFoundError(`${host.root.replace(/\/$/, '')}${path}: ${what} is missing: ${fix}`, path);
  return host.readFile(path);
}
