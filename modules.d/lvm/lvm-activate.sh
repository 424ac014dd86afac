# initqueue hook: activate LVM volume groups as their physical volumes appear. Runs again only when
# the kernel's block device list changed, so stacks (LVM on LUKS or md) settle round by round. The
# list is taken before activating: a device that turns up meanwhile still triggers another run.
if [ -z "$ROOT_DEV" ] && getargbool 1 rd.lvm; then
  read_partitions
  if [ "$PARTITIONS" != "$LVM_SEEN" ]; then
    LVM_SEEN=$PARTITIONS
    . /lib/mkinitramfs-ts/lvm-lib.sh
    lvm_pvs_present && lvm_activate
  fi
fi
