# The root device as systemd names it (feature systemd-initrd), for the image's generators. Sourced,
# never executed; the value is only compared and cut, never eval-ed.

# root_unit VALUE: ROOT_DEV = the device path systemd-fstab-generator makes of root=VALUE
# (/dev/disk/by-uuid/..., by-label, by-partuuid, by-partlabel, or the /dev path) and ROOT_UNIT = its
# .device unit; status 1 for a value this does not understand, or one with characters udev escapes in
# its names (this would guess the unit wrong): systemd's defaults apply then.
root_unit() {
  ROOT_DEV='' ROOT_UNIT=''
  case "$1" in
    UUID=?*) ROOT_DEV=/dev/disk/by-uuid/${1#UUID=} ;;
    LABEL=?*) ROOT_DEV=/dev/disk/by-label/${1#LABEL=} ;;
    PARTUUID=?*) ROOT_DEV=/dev/disk/by-partuuid/${1#PARTUUID=} ;;
    PARTLABEL=?*) ROOT_DEV=/dev/disk/by-partlabel/${1#PARTLABEL=} ;;
    /dev/?*) ROOT_DEV=$1 ;;
    *) return 1 ;;
  esac
  case "/${ROOT_DEV#/dev/}/" in *[!A-Za-z0-9#+.:=@_/-]*|*..*|*//*|*/./*) ROOT_DEV=; return 1 ;; esac
  _escape_path "$ROOT_DEV" || { ROOT_DEV=; return 1; }
  ROOT_UNIT=$ESCAPED.device
}

# _escape_path PATH: ESCAPED = what `systemd-escape --path` prints for PATH, for the paths root_unit lets
# through (/dev/..., no empty, "." or ".." parts, so nothing for systemd to simplify and no leading dot).
# In the shell, not by running systemd-escape: under emulation each start of a program linked to
# libsystemd-shared costs a few hundred milliseconds, and this runs three times a boot.
_escape_path() {
  _rest=${1#/} ESCAPED=''
  while [ -n "$_rest" ]; do
    _c=${_rest%"${_rest#?}"}
    _rest=${_rest#?}
    case "$_c" in
      [A-Za-z0-9:_.]) ESCAPED=$ESCAPED$_c ;;
      /) ESCAPED=$ESCAPED- ;;
      -) ESCAPED="$ESCAPED\\x2d" ;;
      '#') ESCAPED="$ESCAPED\\x23" ;;
      +) ESCAPED="$ESCAPED\\x2b" ;;
      =) ESCAPED="$ESCAPED\\x3d" ;;
      @) ESCAPED="$ESCAPED\\x40" ;;
      *) return 1 ;;
    esac
  done
}
