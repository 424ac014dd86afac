// What the storage boot matrix's disks hold: names, UUIDs, the passphrase and key file. One place,
// read by the disk builder (as shell variables) and by the tests (as kernel command lines).
import { createHash } from 'node:crypto';

export const STORAGE_RECIPE = {
  hostname: 'storage-test',
  /** Typed on the serial console by the passphrase test; also LUKS key slot 0 of the luks disk. */
  passphrase: 'mkinitramfs-ts storage passphrase',
  /** The key file's path in the sysroot and in the image (--install). */
  keyPath: '/etc/keys/root.key',
  /** Root on LVM: VG vgroot, LVs root (ext4) and swap (resume= test). */
  lvm: { vg: 'vgroot', lv: 'root', fsUuid: '5a0e1c2d-0001-4c3b-9a8e-1f2d3c4b5a01', swapUuid: '5a0e1c2d-0002-4c3b-9a8e-1f2d3c4b5a02' },
  /** Root on LUKS2 in partition 1 of a GPT disk: slot 0 the passphrase, slot 1 the key file. */
  luks: { luksUuid: '5a0e1c2d-0003-4c3b-9a8e-1f2d3c4b5a03', fsUuid: '5a0e1c2d-0004-4c3b-9a8e-1f2d3c4b5a04', partUuid: '5a0e1c2d-0005-4c3b-9a8e-1f2d3c4b5a05' },
  /** Root on LUKS1 (pbkdf2, sha256; key file only, slot 0) in partition 1 of a GPT disk. */
  luks1: { luksUuid: '5a0e1c2d-0016-4c3b-9a8e-1f2d3c4b5a16', fsUuid: '5a0e1c2d-0017-4c3b-9a8e-1f2d3c4b5a17', partUuid: '5a0e1c2d-0018-4c3b-9a8e-1f2d3c4b5a18' },
  /** LVM on LUKS2 (key file only, named by the sysroot's crypttab) in partition 1 of a GPT disk. */
  nvme: {
    luksUuid: '5a0e1c2d-0006-4c3b-9a8e-1f2d3c4b5a06',
    cryptName: 'cryptnvme',
    vg: 'vgcrypt',
    lv: 'root',
    fsUuid: '5a0e1c2d-0007-4c3b-9a8e-1f2d3c4b5a07',
    partUuid: '5a0e1c2d-0008-4c3b-9a8e-1f2d3c4b5a08',
  },
  /** md RAID1 over two whole disks, metadata 1.2, name "root" valid on any host. */
  md: { name: 'root', mdUuid: '5a0e1c2d:00094c3b:9a8e1f2d:3c4b5a09', fsUuid: '5a0e1c2d-0010-4c3b-9a8e-1f2d3c4b5a10' },
  /** btrfs RAID1 (data and metadata) over two whole disks; the root tree is in subvolume @. */
  btrfs: { fsUuid: '5a0e1c2d-0011-4c3b-9a8e-1f2d3c4b5a11', subvol: '@' },
  /** xfs in partition 1 of a GPT disk. */
  xfs: { fsUuid: '5a0e1c2d-0012-4c3b-9a8e-1f2d3c4b5a12', partUuid: '5a0e1c2d-0013-4c3b-9a8e-1f2d3c4b5a13' },
  /** ext4 made on the host: on USB storage, and by /dev/disk/by-uuid/. */
  plain: { fsUuid: '5a0e1c2d-0014-4c3b-9a8e-1f2d3c4b5a14', label: 'plainroot' },
  /** ext4 made on the host, then marked not clean with a wrong free-blocks count for fsck to repair. */
  dirty: { fsUuid: '5a0e1c2d-0015-4c3b-9a8e-1f2d3c4b5a15', label: 'dirtyroot' },
  /** Size of every root file system (the Debian systemd root is ~330 MiB). */
  fsMiB: 900,
} as const;

/** The key file's bytes: 64 bytes that are the same on every run (the disks are cached). */
export function storageKey(): Buffer {
  return createHash('sha512').update('mkinitramfs-ts storage test key file').digest();
}

/** The recipe as shell variable assignments for the builder script (all values are plain words). */
export function recipeEnv(): string {
  const r = STORAGE_RECIPE;
  const vars: Record<string, string> = {
    PASSPHRASE: r.passphrase,
    KEY_FILE: r.keyPath,
    LVM_VG: r.lvm.vg,
    LVM_LV: r.lvm.lv,
    LVM_FS_UUID: r.lvm.fsUuid,
    LVM_SWAP_UUID: r.lvm.swapUuid,
    LUKS_UUID: r.luks.luksUuid,
    LUKS_FS_UUID: r.luks.fsUuid,
    LUKS1_UUID: r.luks1.luksUuid,
    LUKS1_FS_UUID: r.luks1.fsUuid,
    NVME_LUKS_UUID: r.nvme.luksUuid,
    NVME_VG: r.nvme.vg,
    NVME_LV: r.nvme.lv,
    NVME_FS_UUID: r.nvme.fsUuid,
    MD_NAME: r.md.name,
    MD_UUID: r.md.mdUuid,
    MD_FS_UUID: r.md.fsUuid,
    BTRFS_UUID: r.btrfs.fsUuid,
    BTRFS_SUBVOL: r.btrfs.subvol,
    XFS_UUID: r.xfs.fsUuid,
    FS_MIB: String(r.fsMiB),
  };
  return Object.entries(vars)
    .map(([k, v]) => {
      if (!/^[A-Za-z0-9 ._:/@=-]*$/.test(v)) throw new Error(`recipe value ${k}=${v} needs quoting the builder does not do`);
      return `${k}='${v}'`;
    })
    .join('\n')
    .concat('\n');
}
