# md RAID helpers for the mdraid feature's hooks (sourced).

md_norm() { printf '%s' "$1" | tr -d ':-' | tr 'ABCDEF' 'abcdef'; }

# md_conf_args: "-c none" when rd.md.conf=0 (ignore the host's mdadm.conf), else nothing.
md_conf_args() { getargbool 1 rd.md.conf || echo "-c none"; }

# md_wanted UUID: no rd.md.uuid= means every array; otherwise only those listed (any notation).
md_wanted() {
  _mw_list=$(getargs rd.md.uuid) || return 0
  set -f
  for _mw in $_mw_list; do
    if [ "$(md_norm "$_mw")" = "$(md_norm "$1")" ]; then set +f; return 0; fi
  done
  set +f
  return 1
}

# md_add_members: hand every new RAID member to mdadm's incremental assembly; an array starts as
# soon as all its members are there.
md_add_members() {
  mkdir -p /run/mdadm
  read_partitions
  for _ma_b in $BLOCK_NAMES; do
    _ma_dev=/dev/$_ma_b
    case " $MD_ADDED " in *" $_ma_dev "*) continue ;; esac
    blkid_value "$_ma_dev" TYPE
    [ "$BLKID_VALUE" = linux_raid_member ] || continue
    MD_ADDED="$MD_ADDED $_ma_dev"
    blkid_value "$_ma_dev" UUID
    md_wanted "$BLKID_VALUE" || continue
    [ -n "$MD_FIRST_SEEN" ] || MD_FIRST_SEEN=$(uptime_s)
    load_module md_mod
    # shellcheck disable=SC2046 # md_conf_args is empty or "-c none"
    mdadm --incremental --quiet $(md_conf_args) "$_ma_dev" 2>&1 | grep -v 'not enough to start'
  done
}

# md_inactive: there is an array still waiting for members.
md_inactive() {
  [ -r /proc/mdstat ] || return 1
  while IFS= read -r _mi_l; do
    case "$_mi_l" in *' : inactive '*) return 0 ;; esac
  done </proc/mdstat
  return 1
}

# md_start_degraded: start the arrays still waiting for members, without them.
md_start_degraded() {
  md_inactive || return 0
  # shellcheck disable=SC2046
  mdadm --incremental --run --scan $(md_conf_args)
  for _md_s in /sys/block/md*/md/degraded; do
    [ -r "$_md_s" ] || continue
    read -r _md_n <"$_md_s"
    [ "$_md_n" -gt 0 ] 2>/dev/null || continue
    _md_dev=${_md_s#/sys/block/} _md_dev=${_md_dev%%/*}
    warn "md array /dev/$_md_dev runs DEGRADED: $_md_n member(s) missing; add a replacement with mdadm --manage /dev/$_md_dev --add"
  done
}
