# pre-mount hook: check the root file system unless rd.skipfsck or fsck.mode=skip.
# Tells systemd (systemd-fsck-root ConditionPathExists) that it was done, as dracut does.

# _fsck_ext_clean DEV: DEV holds an ext2/3/4 file system that `e2fsck -p` would pass over as clean:
# cleanly unmounted, no errors recorded, no journal to replay, no orphans to release, no check due by
# mount count, and no time-based check interval (whose due date depends on the clock: e2fsck
# decides). Reading the superblock with od costs a few ms; e2fsck's start under emulation ~80 ms.
_fsck_ext_clean() {
  # superblock bytes 0x34..0xeb (the superblock is at byte 1024), little-endian fields
  # shellcheck disable=SC2046 # one word per byte
  set -- $(od -v -A n -t x1 -j 1076 -N 184 "$1" 2>/dev/null)
  [ $# -eq 184 ] || return 1
  _fc_mnt=$((0x$2$1)) _fc_max=$((0x$4$3)) _fc_magic=$6$5 _fc_state=$((0x$8$7))
  [ "$_fc_magic" = ef53 ] || return 1
  # state: bit 0 "cleanly unmounted", bit 1 "errors"
  [ $((_fc_state & 3)) -eq 1 ] || return 1
  # a positive s_max_mnt_count (a signed 16-bit field; -1 and 0 disable it) that was reached
  [ "$_fc_max" -ge 1 ] && [ "$_fc_max" -le 32767 ] && [ "$_fc_mnt" -ge "$_fc_max" ] && return 1
  shift 16 # s_checkinterval at 0x44
  [ $((0x$4$3$2$1)) -eq 0 ] || return 1
  shift 28 # s_feature_incompat at 0x60: needs_recovery (0x4); s_feature_ro_compat at 0x64: orphan_present (0x10000)
  [ $((0x$4$3$2$1 & 0x4)) -eq 0 ] || return 1
  [ $((0x$8$7$6$5 & 0x10000)) -eq 0 ] || return 1
  shift 136 # s_last_orphan at 0xe8
  [ $((0x$4$3$2$1)) -eq 0 ]
}

argval fsck.mode
_mode=${ARGVAL:-auto}
if getargbool 0 rd.skipfsck || [ "$_mode" = skip ]; then
  info "fsck of $ROOT_DEV skipped"
else
  _fsck=
  case "$ROOT_FSTYPE" in
    ext2|ext3|ext4) command -v e2fsck >/dev/null && _fsck=e2fsck ;;
    vfat|msdos) command -v fsck.vfat >/dev/null && _fsck=fsck.vfat ;;
  esac
  if [ "$_fsck" = e2fsck ] && [ "$_mode" != force ] && _fsck_ext_clean "$ROOT_DEV"; then
    info "$ROOT_DEV ($ROOT_FSTYPE) is clean: no check needed"
    echo 0 >/run/initramfs/fsck-root-status
    : >/run/initramfs/fsck-root
  elif [ -n "$_fsck" ]; then
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
