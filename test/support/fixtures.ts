// Paths of the real test bed fetched by test/fixtures/fetch.sh. A missing fixture is a failure,
// never a skip: the tests that use these must run.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES =
  process.env['FIXTURES'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'mkinitramfs-ts-fixtures');

function need(path: string): string {
  if (!existsSync(path)) throw new Error(`test fixture ${path} is missing: run 'bash test/fixtures/fetch.sh' first`);
  return path;
}

/** The unpacked kernel package (a sysroot holding boot/ and lib/modules/KVER). */
export const kernelRoot = (): string => need(join(FIXTURES, 'kernel'));
export const kver = (): string => readFileSync(need(join(FIXTURES, 'kernel', 'KVER')), 'utf8').trim();
export const kernelImage = (): string => need(join(FIXTURES, 'kernel', 'boot', `vmlinuz-${kver()}`));
export const kmodDir = (): string => need(join(FIXTURES, 'kernel', 'lib', 'modules', kver()));
/** The unpacked busybox-static package. */
export const busyboxRoot = (): string => need(join(FIXTURES, 'busybox'));
/** dpkg -x of console-data: usr/share/keymaps. */
export const consoleDataRoot = (): string => need(join(FIXTURES, 'console-data', '.deb')).replace(/\/\.deb$/, '');
/** A Debian bookworm minbase root with systemd, udev, kmod, busybox-static, e2fsprogs, util-linux. */
export const debianRoot = (): string => need(join(FIXTURES, 'rootfs', '.complete')).replace(/\/\.complete$/, '');
/** Where tests may keep slow-to-build artefacts (disks) between runs. */
export const cacheDir = (): string => join(FIXTURES, 'cache');
/** debianRoot() with the fixture kernel installed into it: the sysroot images are built from. */
export const buildSysroot = (): string => need(join(FIXTURES, 'sysroot', '.complete')).replace(/\/\.complete$/, '');
/** buildSysroot() with nbd-client and its libraries unpacked into it (the network-root boot tests). */
export const netSysroot = (): string => need(join(FIXTURES, 'sysroot-net', '.complete')).replace(/\/\.complete$/, '');
/** netSysroot() with open-iscsi (iscsistart) and its libraries unpacked into it. */
export const iscsiSysroot = (): string => need(join(FIXTURES, 'sysroot-iscsi', '.complete')).replace(/\/\.complete$/, '');
/** A Debian bookworm minbase root with nfs-kernel-server (nfs-common's mount.nfs, rpcbind) and busybox-static. */
export const nfsRoot = (): string => need(join(FIXTURES, 'rootfs-nfs', '.complete')).replace(/\/\.complete$/, '');
/** nfsRoot() with the fixture kernel installed into it: the sysroot NFS-root images are built from. */
export const nfsSysroot = (): string => need(join(FIXTURES, 'sysroot-nfs', '.complete')).replace(/\/\.complete$/, '');
/** nfsRoot()'s packages with dnsmasq-base (the DHCPv6 server VM), isc-dhcp-client and dhcpcd-base. */
export const net6Root = (): string => need(join(FIXTURES, 'rootfs-net6', '.complete')).replace(/\/\.complete$/, '');
/** net6Root() with the fixture kernel installed into it: DHCPv6 and sysroot-DHCP-client images are built from it. */
export const net6Sysroot = (): string => need(join(FIXTURES, 'sysroot-net6', '.complete')).replace(/\/\.complete$/, '');

/** buildSysroot() with systemd-boot-efi installed (its EFI stub builds UKIs). */
export const efiSysroot = (): string => need(join(FIXTURES, 'sysroot-efi', '.complete')).replace(/\/\.complete$/, '');
/** The Debian 13 sysroot (kernel 6.12) with trixie's systemd-boot-efi (257) installed. */
export const efiSysrootTrixie = (): string => need(join(FIXTURES, 'sysroot-trixie-efi', '.complete')).replace(/\/\.complete$/, '');
/** The systemd EFI stubs of Debian 12 (252) and 13 (257), unpacked. */
export const efiStub = (suite: 'bookworm' | 'trixie'): string =>
  need(join(FIXTURES, suite === 'bookworm' ? 'systemd-boot-efi' : 'systemd-boot-efi-trixie', 'usr/lib/systemd/boot/efi/linuxx64.efi.stub'));
/** Debian's OVMF (UEFI firmware for QEMU): the code and the pristine variable store to copy per boot. */
export const ovmf = (): { code: string; vars: string } => ({
  code: need(join(FIXTURES, 'ovmf/usr/share/OVMF/OVMF_CODE_4M.fd')),
  vars: need(join(FIXTURES, 'ovmf/usr/share/OVMF/OVMF_VARS_4M.fd')),
});

/** Debian 13's virt-fw-vars (python3-virt-firmware, pure Python): the host's python3 runs it with this PYTHONPATH. */
export const virtFirmwarePath = (): string => need(join(FIXTURES, 'virt-firmware/usr/lib/python3/dist-packages/virt/firmware/vars.py')).replace(/\/virt\/firmware\/vars\.py$/, '');

/** A kernel fetched beside kernel/ (another flavour, or Debian 13's): where it is unpacked and how to boot it. */
export interface KernelFixture {
  /** The unpacked package, depmod'ed (a sysroot holding boot/ and lib/modules/KVER; lib -> usr/lib for trixie). */
  root: string;
  kver: string;
  /** boot/vmlinuz-KVER */
  image: string;
  /** lib/modules/KVER (usr/lib/modules/KVER for a merged-/usr package) */
  kmodDir: string;
  /** The Debian root with this kernel installed (hard links): the sysroot images for it are built from. */
  sysroot: string;
}

function kernelFixture(kernel: string, sysroot: string): KernelFixture {
  const root = need(join(FIXTURES, kernel));
  const v = readFileSync(need(join(root, 'KVER')), 'utf8').trim();
  const merged = join(root, 'usr', 'lib', 'modules', v);
  return {
    root,
    kver: v,
    image: need(join(root, 'boot', `vmlinuz-${v}`)),
    kmodDir: need(existsSync(merged) ? merged : join(root, 'lib', 'modules', v)),
    sysroot: need(join(FIXTURES, sysroot, '.complete')).replace(/\/\.complete$/, ''),
  };
}

/** Debian 12's linux-image-cloud-amd64 kernel (6.1 -cloud-amd64: NVMe and ext4 built in, no AHCI, no USB host drivers). */
export const cloudKernel = (): KernelFixture => kernelFixture('kernel-cloud', 'sysroot-cloud');
/** Debian 12's linux-image-rt-amd64 kernel (6.1 -rt-amd64, PREEMPT_RT). */
export const rtKernel = (): KernelFixture => kernelFixture('kernel-rt', 'sysroot-rt');
/** Debian 13's linux-image-amd64 kernel (6.12, every module .ko.xz, shipped under usr/lib/modules). */
export const trixieKernel = (): KernelFixture => kernelFixture('kernel-trixie', 'sysroot-trixie');
/** A Debian 13 trixie minbase root with systemd, udev, kmod, busybox-static, e2fsprogs, util-linux. */
export const trixieRoot = (): string => need(join(FIXTURES, 'rootfs-trixie', '.complete')).replace(/\/\.complete$/, '');
