#!/bin/sh
# Builds the storage boot matrix's disks. Runs as the first process (rdinit=) of an image that
# mkinitramfs-ts built from the storage sysroot with the storage features and the mkfs tools, in a
# throw-away VM whose virtio disks are the raw files to fill (their /dev names are in disks.env).
# Prints "STORAGE-BUILD: done" or "STORAGE-BUILD: failed: WHY", then powers the VM off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
HERE=/usr/local/lib/storage-builder

mkdir -p /proc /sys /dev /run /tmp /mnt
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mkdir -p /run/initramfs
exec </dev/console >/dev/console 2>&1

for lib in messages cmdline module-loads coldplug; do . "/lib/mkinitramfs-ts/$lib.sh"; done
. "$HERE/recipe.env"
. "$HERE/disks.env"
read_cmdline

say() { echo "STORAGE-BUILD: $*"; }
fail() { say "failed: $*"; sync; poweroff -f; sleep 10; exit 1; }
run() { "$@" || fail "$*"; }

# no udev here: libdevmapper makes the /dev/mapper nodes, LVM its /dev/VG links
export DM_DISABLE_UDEV=1 LVM_SUPPRESS_FD_WARNINGS=1
LVM_CFG='activation { udev_sync = 0 udev_rules = 0 monitoring = 0 } devices { use_devicesfile = 0 obtain_device_list_from_udev = 0 } global { use_lvmpolld = 0 } backup { backup = 0 archive = 0 }'
lvm_() { _lc=$1; shift; run lvm "$_lc" --config "$LVM_CFG" "$@"; }
mkdir -p /run/lock/lvm /run/lvm /run/cryptsetup /run/mdadm

say "loading drivers"
for _i in 1 2 3 4 5 6 7 8 9 10; do coldplug; [ -b "$LAST_DEV" ] && break; sleep 1; done
[ -b "$LAST_DEV" ] || fail "the disks did not appear (no $LAST_DEV)"
for m in dm_mod dm_crypt md_mod raid1 ext4 xfs btrfs algif_skcipher; do run load_module "$m"; done

# populate DEV FSTYPE FSTAB_OPTIONS [SUBVOLUME]: the systemd root tree from the tar disk, and an
# fstab naming the root by UUID with its type and options.
populate() {
  run mount -t "$2" "$1" /mnt
  _dest=/mnt${4:+/$4}
  run tar -x -p --numeric-owner -f "$TAR_DEV" -C "$_dest"
  _uuid=$(blkid -s UUID -o value "$1")
  [ -n "$_uuid" ] || fail "no UUID on $1"
  _pass=1
  [ "$2" = ext4 ] || _pass=0
  echo "UUID=$_uuid / $2 $3 0 $_pass" >"$_dest/etc/fstab"
  run umount /mnt
}
mkext4() { run mke2fs -q -F -t ext4 -U "$2" -L "$3" "$1"; }
luks_format() { # DEV UUID KEYFILE
  run cryptsetup luksFormat --batch-mode --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
    --uuid "$2" --key-file "$3" "$1"
}
printf '%s' "$PASSPHRASE" >/run/passphrase

say "lvm: $LVM_DEV"
lvm_ pvcreate -y "$LVM_DEV"
lvm_ vgcreate "$LVM_VG" "$LVM_DEV"
lvm_ lvcreate -y -n swap -L 32M "$LVM_VG"
lvm_ lvcreate -y -n "$LVM_LV" -L "${FS_MIB}M" "$LVM_VG"
run mkswap -U "$LVM_SWAP_UUID" "/dev/$LVM_VG/swap" >/dev/null
mkext4 "/dev/$LVM_VG/$LVM_LV" "$LVM_FS_UUID" lvmroot
populate "/dev/$LVM_VG/$LVM_LV" ext4 defaults
lvm_ vgchange -an "$LVM_VG"

say "luks: $LUKS_DEV"
luks_format "$LUKS_DEV" "$LUKS_UUID" /run/passphrase
run cryptsetup luksAddKey --batch-mode --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file /run/passphrase "$LUKS_DEV" "$KEY_FILE"
run cryptsetup open --key-file "$KEY_FILE" "$LUKS_DEV" build-luks
mkext4 /dev/mapper/build-luks "$LUKS_FS_UUID" luksroot
populate /dev/mapper/build-luks ext4 defaults
run cryptsetup close build-luks

say "luks1: $LUKS1_DEV"
# LUKS1 knows pbkdf2 only (--pbkdf is for LUKS2); the key file is slot 0, no passphrase
run cryptsetup luksFormat --batch-mode --type luks1 --hash sha256 --pbkdf-force-iterations 1000 \
  --uuid "$LUKS1_UUID" --key-file "$KEY_FILE" "$LUKS1_DEV"
run cryptsetup luksDump "$LUKS1_DEV" >/run/luks1.dump
_version=
while IFS= read -r _line; do
  case $_line in Version:*) _version=${_line#Version:}; _version=$(echo $_version) ;; esac
done </run/luks1.dump
[ "$_version" = 1 ] || fail "$LUKS1_DEV is not LUKS1 (luksDump says Version: $_version)"
say "luks1: luksDump Version: $_version"
run cryptsetup open --key-file "$KEY_FILE" "$LUKS1_DEV" build-luks1
mkext4 /dev/mapper/build-luks1 "$LUKS1_FS_UUID" luks1root
populate /dev/mapper/build-luks1 ext4 defaults
run cryptsetup close build-luks1

say "lvm on luks: $NVME_DEV"
luks_format "$NVME_DEV" "$NVME_LUKS_UUID" "$KEY_FILE"
run cryptsetup open --key-file "$KEY_FILE" "$NVME_DEV" build-nvme
lvm_ pvcreate -y /dev/mapper/build-nvme
lvm_ vgcreate "$NVME_VG" /dev/mapper/build-nvme
lvm_ lvcreate -y -n "$NVME_LV" -L "${FS_MIB}M" "$NVME_VG"
mkext4 "/dev/$NVME_VG/$NVME_LV" "$NVME_FS_UUID" nvmeroot
populate "/dev/$NVME_VG/$NVME_LV" ext4 defaults
lvm_ vgchange -an "$NVME_VG"
run cryptsetup close build-nvme

say "md raid1: $MD_DEV1 $MD_DEV2"
# --homehost=any: the array is local on every host, so it assembles as /dev/md/$MD_NAME anywhere
run mdadm --create /dev/md/"$MD_NAME" --run --quiet --level=1 --raid-devices=2 --metadata=1.2 \
  --assume-clean --homehost=any --name="$MD_NAME" --uuid="$MD_UUID" "$MD_DEV1" "$MD_DEV2"
mkext4 /dev/md/"$MD_NAME" "$MD_FS_UUID" mdroot
populate /dev/md/"$MD_NAME" ext4 defaults
run mdadm --stop /dev/md/"$MD_NAME"

say "btrfs raid1: $BTRFS_DEV1 $BTRFS_DEV2"
run mkfs.btrfs -q -f -U "$BTRFS_UUID" -L btrfsroot -d raid1 -m raid1 "$BTRFS_DEV1" "$BTRFS_DEV2"
run btrfs device scan
run mount -t btrfs "$BTRFS_DEV1" /mnt
run btrfs -q subvolume create "/mnt/$BTRFS_SUBVOL"
run umount /mnt
populate "$BTRFS_DEV1" btrfs "subvol=$BTRFS_SUBVOL" "$BTRFS_SUBVOL"

say "xfs: $XFS_DEV"
run mkfs.xfs -q -f -m uuid="$XFS_UUID" -L xfsroot "$XFS_DEV"
populate "$XFS_DEV" xfs defaults

sync
say "done"
poweroff -f
sleep 10
