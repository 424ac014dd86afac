# LVM helpers for the lvm feature's hooks (sourced).

# What an initramfs without udev, lvmpolld or dmeventd needs, whatever the host's lvm.conf says:
# create /dev/mapper and /dev/VG nodes ourselves, use every device (no devices file, no udev list),
# never write backups to the read-only image.
LVM_OVERRIDES='activation { udev_sync = 0 udev_rules = 0 monitoring = 0 } devices { use_devicesfile = 0 obtain_device_list_from_udev = 0 external_device_info_source = "none" } global { use_lvmpolld = 0 event_activation = 0 } backup { backup = 0 archive = 0 }'
# libdevmapper: no udev is running, create device nodes directly.
export DM_DISABLE_UDEV=1
export LVM_SUPPRESS_FD_WARNINGS=1

# lvm_name_ok NAME: a VG or VG/LV name LVM accepts (never an option: no leading dash).
lvm_name_ok() {
  case "$1" in ''|-*|*[!A-Za-z0-9+_./-]*) return 1 ;; esac
  return 0
}

# lvm_pvs_present: some block device holds an LVM physical volume (no lvm run on other machines).
lvm_pvs_present() { have_block_type LVM2_member; }

# lvm_activate: activate what rd.lvm.vg= / rd.lvm.lv= name, or every VG when neither is given.
lvm_activate() {
  mkdir -p /run/lock/lvm /run/lvm
  load_module dm_mod || [ $? -eq 2 ] || warn "no dm_mod module in this image"
  _lvm_vgs=$(getargs rd.lvm.vg) || _lvm_vgs=
  _lvm_lvs=$(getargs rd.lvm.lv) || _lvm_lvs=
  if [ -z "$_lvm_vgs$_lvm_lvs" ]; then
    lvm vgchange --config "$LVM_OVERRIDES" -ay --sysinit 2>&1 | grep -v 'No volume groups found'
  else
    set -f
    for _lvm_n in $_lvm_vgs; do
      if lvm_name_ok "$_lvm_n"; then lvm vgchange --config "$LVM_OVERRIDES" -ay --sysinit "$_lvm_n"
      else warn "ignoring rd.lvm.vg=$_lvm_n: not a volume group name"; fi
    done
    for _lvm_n in $_lvm_lvs; do
      case "$_lvm_n" in */*) ;; *) warn "ignoring rd.lvm.lv=$_lvm_n: expected VG/LV"; continue ;; esac
      if lvm_name_ok "$_lvm_n"; then lvm lvchange --config "$LVM_OVERRIDES" -ay --sysinit "$_lvm_n"
      else warn "ignoring rd.lvm.lv=$_lvm_n: not a logical volume name"; fi
    done
    set +f
  fi
  # /dev/VG/LV links and /dev/mapper nodes of whatever is active now
  lvm vgmknodes --config "$LVM_OVERRIDES" >/dev/null 2>&1
}
