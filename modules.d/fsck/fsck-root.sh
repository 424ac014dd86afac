# pre-mount hook: check the root file system unless rd.skipfsck or fsck.mode=skip.
# Tells systemd (systemd-fsck-root ConditionPathExists) that it was done, as dracut does.
_mode=$(getarg fsck.mode) || _mode=auto
if getargbool 0 rd.skipfsck || [ "$_mode" = skip ]; then
  info "fsck of $ROOT_DEV skipped"
else
  _fsck=
  case "$ROOT_FSTYPE" in
    ext2|ext3|ext4) command -v e2fsck >/dev/null && _fsck=e2fsck ;;
    vfat|msdos) command -v fsck.vfat >/dev/null && _fsck=fsck.vfat ;;
  esac
  if [ -n "$_fsck" ]; then
    _force=
    [ "$_mode" = force ] && _force=-f
    info "checking $ROOT_DEV ($ROOT_FSTYPE)"
    "$_fsck" -p $_force "$ROOT_DEV"
    _rc=$?
    echo "$_rc" >/run/initramfs/fsck-root-status
    if [ $((_rc & 4)) -ne 0 ] || [ $((_rc & 8)) -ne 0 ]; then
      emergency "fsck of $ROOT_DEV failed (exit $_rc): repair it from this shell with '$_fsck $ROOT_DEV', then exit" fsck
    elif [ $((_rc & 2)) -ne 0 ]; then
      info "fsck repaired $ROOT_DEV and asks for a reboot"
      sync; reboot -f
    elif [ $((_rc & 1)) -ne 0 ]; then
      info "fsck repaired errors on $ROOT_DEV"
    fi
    : >/run/initramfs/fsck-root
  fi
fi
