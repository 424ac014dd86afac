// What the dynamic loader of one ABI (ELF class + e_machine) assumes: its trusted default library
// directories, the multiarch triplet, and the values of $PLATFORM and $LIB. The default dirs are a
// union over the layouts distributions use (Debian multiarch, Fedora lib64, plain lib), in ld.so's
// order; directories holding another ABI's libraries are harmless because candidates of another
// class or machine are skipped, as ld.so skips them.
import type { ElfHeader } from './elf-file.js';

export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_PPC64 = 21;
export const EM_S390 = 22;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;
export const EM_RISCV = 243;
export const EM_LOONGARCH = 258;

/** The identity ld.so compares when it opens a candidate library. */
export interface ElfAbi {
  elfClass: 32 | 64;
  littleEndian: boolean;
  machine: number;
}

interface AbiFacts {
  /** Debian multiarch triplets, preferred first. */
  triplets: string[];
  /** Non-multiarch library dirs before /lib and /usr/lib (lib64, lib32, ...). */
  libDirs: string[];
  /** AT_PLATFORM as the kernel reports it; undefined when it depends on the CPU model. */
  platform?: string;
}

export function abiOf(header: Pick<ElfHeader, 'elfClass' | 'littleEndian' | 'machine'>): ElfAbi {
  return { elfClass: header.elfClass, littleEndian: header.littleEndian, machine: header.machine };
}

export function describeAbi(abi: ElfAbi): string {
  const name = _machineNames[abi.machine] ?? `machine ${abi.machine}`;
  return `ELF${abi.elfClass} ${name}`;
}

/** The trusted directories ld.so searches last, in its order. */
export function defaultLibraryDirs(abi: ElfAbi): string[] {
  const facts = _facts(abi);
  const multiarch = facts.triplets.flatMap((t) => [`/lib/${t}`, `/usr/lib/${t}`]);
  const plain = facts.libDirs.flatMap((d) => [d, `/usr${d}`]);
  return [...multiarch, ...plain, '/lib', '/usr/lib'];
}

/** The value of $PLATFORM, or undefined when unknown (path elements using it are then dropped). */
export function platformOf(abi: ElfAbi): string | undefined {
  return _facts(abi).platform;
}

/**
 * The value of $LIB: glibc bakes it in at build time from its slibdir, so it follows the sysroot's
 * layout — "lib/<triplet>" on a multiarch root, otherwise the ABI's own lib dir ("lib64") or "lib".
 */
export function libTokenOf(abi: ElfAbi, dirExists: (dir: string) => boolean): string {
  const facts = _facts(abi);
  const triplet = facts.triplets.find((t) => dirExists(`/lib/${t}`) || dirExists(`/usr/lib/${t}`));
  if (triplet) return `lib/${triplet}`;
  const own = facts.libDirs.find((d) => dirExists(d) || dirExists(`/usr${d}`));
  return own ? own.slice(1) : 'lib';
}

const _machineNames: Record<number, string> = {
  [EM_386]: 'i386',
  [EM_ARM]: 'arm',
  [EM_PPC64]: 'ppc64',
  [EM_S390]: 's390',
  [EM_X86_64]: 'x86-64',
  [EM_AARCH64]: 'aarch64',
  [EM_RISCV]: 'riscv',
  [EM_LOONGARCH]: 'loongarch',
};

function _facts(abi: ElfAbi): AbiFacts {
  const is64 = abi.elfClass === 64;
  switch (abi.machine) {
    case EM_X86_64:
      return is64
        ? { triplets: ['x86_64-linux-gnu'], libDirs: ['/lib64'], platform: 'x86_64' }
        : { triplets: ['x86_64-linux-gnux32'], libDirs: ['/libx32'], platform: 'x86_64' };
    case EM_386:
      return { triplets: ['i386-linux-gnu'], libDirs: ['/lib32'], platform: 'i686' };
    case EM_AARCH64:
      return { triplets: [abi.littleEndian ? 'aarch64-linux-gnu' : 'aarch64_be-linux-gnu'], libDirs: ['/lib64'], platform: 'aarch64' };
    case EM_ARM:
      return { triplets: ['arm-linux-gnueabihf', 'arm-linux-gnueabi'], libDirs: [] };
    case EM_RISCV:
      return is64 ? { triplets: ['riscv64-linux-gnu'], libDirs: ['/lib64/lp64d', '/lib64'] } : { triplets: ['riscv32-linux-gnu'], libDirs: ['/lib32'] };
    case EM_PPC64:
      return { triplets: [abi.littleEndian ? 'powerpc64le-linux-gnu' : 'powerpc64-linux-gnu'], libDirs: ['/lib64'] };
    case EM_S390:
      return is64 ? { triplets: ['s390x-linux-gnu'], libDirs: ['/lib64'] } : { triplets: ['s390-linux-gnu'], libDirs: [] };
    case EM_LOONGARCH:
      return { triplets: ['loongarch64-linux-gnu'], libDirs: ['/lib64'] };
    default:
      return { triplets: [], libDirs: is64 ? ['/lib64'] : [] };
  }
}
