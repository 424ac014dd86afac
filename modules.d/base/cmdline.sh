# The kernel command line of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash). Sourced, never
# executed. The command line is untrusted input: its values are only compared, split and quoted here,
# never eval-ed. What runs on each round of the wait for root sets variables (argval) instead of
# printing into $(...): under emulation every fork costs milliseconds.

# CMDLINE: the image's embedded defaults first, then the kernel's, so the kernel's win (last one wins).
# Words are split at spaces; double quotes (around a value, root="UUID=...", or a whole word) are
# dropped as the kernel drops them, and a space between quotes is kept as udev's \x20 (which LABEL=
# and PARTLABEL= decode), so every word stays one word.
read_cmdline() {
  CMDLINE=
  for f in /etc/cmdline.d/*.conf; do
    [ -r "$f" ] || continue
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in '#'*|'') continue ;; esac
      _cmdline_unquote "$line"
      CMDLINE="$CMDLINE $UNQUOTED"
    done <"$f"
  done
  read -r kcmd </proc/cmdline || true
  _cmdline_unquote "$kcmd"
  CMDLINE="$CMDLINE $UNQUOTED"
}

# _cmdline_unquote TEXT: UNQUOTED = TEXT without its double quotes, a space inside them as \x20.
_cmdline_unquote() {
  UNQUOTED=$1
  case "$1" in *\"*) ;; *) return 0 ;; esac
  _uq_in=$1 UNQUOTED='' _uq_inside=''
  while :; do
    case "$_uq_in" in
      *\"*) _uq_seg=${_uq_in%%\"*} _uq_in=${_uq_in#*\"} _uq_more=1 ;;
      *) _uq_seg=$_uq_in _uq_more= ;;
    esac
    if [ -n "$_uq_inside" ]; then
      while :; do
        case "$_uq_seg" in
          *' '*) UNQUOTED="$UNQUOTED${_uq_seg%%' '*}\\x20" _uq_seg=${_uq_seg#*' '} ;;
          *) break ;;
        esac
      done
    fi
    UNQUOTED="$UNQUOTED$_uq_seg"
    [ -n "$_uq_more" ] || return 0
    if [ -n "$_uq_inside" ]; then _uq_inside=; else _uq_inside=1; fi
  done
}

# unhex TEXT: UNHEXED = TEXT with udev's \xNN escapes (as in /dev/disk/by-label/ names) turned into
# their bytes. Only two hex digits are read after each \x, and only into a byte: nothing is evaluated.
unhex() {
  UNHEXED='' _ux_in=$1
  case "$_ux_in" in *\\x*) ;; *) UNHEXED=$_ux_in; return 0 ;; esac
  while :; do
    case "$_ux_in" in
      *\\x*) ;;
      *) UNHEXED="$UNHEXED$_ux_in"; return 0 ;;
    esac
    UNHEXED="$UNHEXED${_ux_in%%\\x*}" _ux_in=${_ux_in#*\\x}
    case "$_ux_in" in
      [0-9a-fA-F][0-9a-fA-F]*)
        _ux_h=${_ux_in%"${_ux_in#??}"} _ux_in=${_ux_in#??}
        _ux_n=$((0x$_ux_h))
        if [ "$_ux_n" -eq 0 ]; then UNHEXED="$UNHEXED\\x00"
        else
          # octal digits only in the format: the byte, nothing else
          _ux_o=$(printf '%03o' "$_ux_n")
          # shellcheck disable=SC2059
          _ux_b=$(printf "\\$_ux_o"; printf _x)
          UNHEXED="$UNHEXED${_ux_b%_x}"
        fi ;;
      *) UNHEXED="$UNHEXED\\x" ;;
    esac
  done
}

# argval KEY: sets ARGVAL to the value of the last KEY=VALUE (or "1" for a bare KEY); status 1 (ARGVAL
# empty) when absent.
argval() {
  _key=$1 _found=1 ARGVAL=
  set -f
  for _w in $CMDLINE; do
    case "$_w" in
      "$_key") ARGVAL=1 _found=0 ;;
      "$_key="*) ARGVAL=${_w#"$_key="} _found=0 ;;
    esac
  done
  set +f
  return $_found
}

# getargs KEY: every value of KEY (space separated, commas split too); status 1 when absent.
getargs() {
  _key=$1 _out=
  set -f
  for _w in $CMDLINE; do
    case "$_w" in "$_key="*) ;; *) continue ;; esac
    _v=${_w#"$_key="}
    while :; do
      case "$_v" in
        *,*) _out="$_out ${_v%%,*}" _v=${_v#*,} ;;
        *) _out="$_out $_v"; break ;;
      esac
    done
  done
  set +f
  [ -n "$_out" ] || return 1
  printf '%s\n' "$_out"
}

# getargbool DEFAULT KEY: true when KEY is set to anything but 0/no/off/false; DEFAULT when absent.
getargbool() {
  if argval "$2"; then
    case "$ARGVAL" in 0|no|off|false) return 1 ;; *) return 0 ;; esac
  fi
  [ "$1" = 1 ]
}
