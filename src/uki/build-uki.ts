// A Unified Kernel Image from the sysroot's own parts: its systemd EFI stub, os-release and kernel,
// with the initramfs just built and the command line it embeds. Returns the file's parts.
import { NotFoundError } from '../errors.js';
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
}

export function buildUki(inputs: UkiInputs): UkiLayout {
  const { host, kver } = inputs;
  const stub = _required(host, STUB_PATH, 'the systemd EFI stub', "install the sysroot's systemd-boot-efi package");
  // Debian's place, then the one systemd's kernel-install layout uses
  const candidates = [`/boot/vmlinuz-${kver}`, `/usr/lib/modules/${kver}/vmlinuz`, `/lib/modules/${kver}/vmlinuz`];
  const kernelPath = candidates.find((p) => host.stat(p)?.isFile() === true) ?? (candidates[0] as string);
  const kernel = _required(host, kernelPath, 'the kernel image', `install the kernel ${kver} in the sysroot or choose it with --kver`);
  const osrelPath = OS_RELEASE.find((p) => host.stat(p)?.isFile() === true);
  if (osrelPath === undefined) throw new NotFoundError(`${host.root}: no /etc/os-release or /usr/lib/os-release for the UKI's .osrel: install base-files (or the distribution's os-release) in the sysroot`);
  const stubSbat = findSection(readPe(stub, host.diskPath(STUB_PATH)), '.sbat');
  const sbatInputs = stubSbat ? [sectionData(stub, stubSbat)] : [];
  if (looksLikePe(kernel)) {
    const ks = findSection(readPe(kernel, host.diskPath(kernelPath)), '.sbat');
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

function _required(host: Host, path: string, what: string, fix: string): Buffer {
  if (host.stat(path)?.isFile() !== true) throw new NotFoundError(`${host.root.replace(/\/$/, '')}${path}: ${what} is missing: ${fix}`, path);
  return host.readFile(path);
}
