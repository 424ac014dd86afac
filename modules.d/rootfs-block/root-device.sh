# Root device lookup for the rootfs-block feature (sourced). Reads partition tables with od, so
# root=PARTUUID= works without udev; never evaluates anything from the command line.

# hexbytes DEV OFFSET COUNT: COUNT bytes at OFFSET of DEV as one lowercase hex string.
hexbytes() { od -A n -t x1 -j "$2" -N "$3" "$1" 2>/dev/null | tr -d ' \n'; }

# le_hex HEX: reverse the byte order of a hex string (a little-endian field as a number's hex).
le_hex() {
  _h=$1 _out=
  while [ -n "$_h" ]; do _out="${_h%"${_h#??}"}$_out"; _h=${_h#??}; done
  printf '%s' "$_out"
}

# guid_from_gpt HEX32: the textual GUID of 16 bytes stored the GPT way (first three fields little-endian).
guid_from_gpt() {
  _g=$1
  _a=$(le_hex "$(printf '%s' "$_g" | cut -c1-8)")
  _b=$(le_hex "$(printf '%s' "$_g" | cut -c9-12)")
  _c=$(le_hex "$(printf '%s' "$_g" | cut -c13-16)")
  printf '%s-%s-%s-%s-%s' "$_a" "$_b" "$_c" "$(printf '%s' "$_g" | cut -c17-20)" "$(printf '%s' "$_g" | cut -c21-32)"
}

# partuuid_of NAME: the PARTUUID of partition NAME (e.g. vda1), from its disk's GPT or MBR.
partuuid_of() {
  _sys=/sys/class/block/$1
  [ -r "$_sys/partition" ] || return 1
  read -r _pn <"$_sys/partition"
  _disk=$(basename "$(readlink -f "$_sys/..")")
  _dev=/dev/$_disk
  _ss=512
  [ -r "/sys/class/block/$_disk/queue/logical_block_size" ] && read -r _ss <"/sys/class/block/$_disk/queue/logical_block_size"
  if [ "$(hexbytes "$_dev" "$_ss" 8)" = "4546492050415254" ]; then
    _lba=$((0x$(le_hex "$(hexbytes "$_dev" $((_ss + 72)) 8)")))
    _esz=$((0x$(le_hex "$(hexbytes "$_dev" $((_ss + 84)) 4)")))
    _off=$((_lba * _ss + (_pn - 1) * _esz + 16))
    guid_from_gpt "$(hexbytes "$_dev" "$_off" 16)"
    return 0
  fi
  if [ "$(hexbytes "$_dev" 510 2)" = "55aa" ]; then
    printf '%s-%02x' "$(le_hex "$(hexbytes "$_dev" 440 4)")" "$_pn"
    return 0
  fi
  return 1
}

# partlabel_of NAME: the PARTLABEL of partition NAME, as the kernel read it from the GPT.
partlabel_of() {
  while IFS= read -r _pl; do
    case "$_pl" in PARTNAME=*) printf '%s\n' "${_pl#PARTNAME=}"; return 0 ;; esac
  done 2>/dev/null <"/sys/class/block/$1/uevent"
  return 0
}

# find_device SPEC: sets FOUND_DEVICE to the /dev node that SPEC names, if it exists now; status 1
# when none does. (No subshell: the blkid snapshot it may renew stays with the caller.)
find_device() {
  _spec=$1 FOUND_DEVICE=''
  case "$_spec" in
    /dev/disk/by-uuid/*) _spec=UUID=${_spec#/dev/disk/by-uuid/} ;;
    /dev/disk/by-label/*) _spec=LABEL=${_spec#/dev/disk/by-label/} ;;
    /dev/disk/by-partuuid/*) _spec=PARTUUID=${_spec#/dev/disk/by-partuuid/} ;;
    /dev/disk/by-partlabel/*) _spec=PARTLABEL=${_spec#/dev/disk/by-partlabel/} ;;
  esac
  case "$_spec" in
    UUID=*|LABEL=*)
      _tag=${_spec%%=*} _want=${_spec#*=}
      # udev's by-label names (and a quoted space on the command line) write unsafe bytes as \xNN
      if [ "$_tag" = UUID ]; then _want=$(lower "$_want"); else unhex "$_want"; _want=$UNHEXED; fi
      read_partitions
      for _b in $BLOCK_NAMES; do
        blkid_value "/dev/$_b" "$_tag" || continue
        _have=$BLKID_VALUE
        case "$_tag$_have" in UUID*[A-F]*) _have=$(lower "$_have") ;; esac
        if [ -n "$_have" ] && [ "$_have" = "$_want" ]; then FOUND_DEVICE=/dev/$_b; return 0; fi
      done ;;
    PARTUUID=*)
      _want=$(lower "${_spec#PARTUUID=}")
      read_partitions
      for _b in $BLOCK_NAMES; do
        [ -r "/sys/class/block/$_b/partition" ] || continue
        blkid_value "/dev/$_b" PARTUUID
        _have=$BLKID_VALUE
        [ -n "$_have" ] || _have=$(partuuid_of "$_b")
        [ "$(lower "$_have")" = "$_want" ] && { FOUND_DEVICE=/dev/$_b; return 0; }
      done ;;
    PARTLABEL=*)
      unhex "${_spec#PARTLABEL=}"
      _want=$UNHEXED
      read_partitions
      for _b in $BLOCK_NAMES; do
        [ "$(partlabel_of "$_b")" = "$_want" ] && { FOUND_DEVICE=/dev/$_b; return 0; }
      done ;;
    /dev/*)
      if [ -b "$_spec" ]; then FOUND_DEVICE=$_spec; return 0; fi
      # a mapper or md name may appear under /dev later; a plain kernel name is checked in /sys too
      _n=${_spec#/dev/}
      [ -e "/sys/class/block/$_n" ] && [ -b "/dev/$_n" ] && { FOUND_DEVICE=/dev/$_n; return 0; } ;;
    *:*)
      _maj=${_spec%%:*} _min=${_spec#*:}
      case "$_maj$_min" in *[!0-9]*) return 1 ;; esac
      [ -e "/sys/dev/block/$_maj:$_min" ] || return 1
      _n=$(sed -n 's/^DEVNAME=//p' "/sys/dev/block/$_maj:$_min/uevent")
      [ -b "/dev/$_n" ] && { FOUND_DEVICE=/dev/$_n; return 0; } ;;
    [0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]|[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F])
      # the kernel's old hexadecimal MMmm form
      _v=$((0x$_spec))
      find_device "$((_v >> 8)):$((_v & 255))"
      return $? ;;
  esac
  return 1
}
