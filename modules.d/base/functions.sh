# Shell library of the mkinitramfs-ts /init (POSIX sh, busybox ash). Sourced, never executed.
# Command-line values are only compared, split and quoted here: nothing is ever eval-ed.

info() { echo "$*" >&2; }
warn() { echo "mkinitramfs-ts: warning: $*" >&2; }

# CMDLINE: the image's embedded defaults first, then the kernel's, so the kernel's win (last one wins).
read_cmdline() {
  CMDLINE=
  for f in /etc/cmdline.d/*.conf; do
    [ -r "$f" ] || continue
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in '#'*|'') continue ;; esac
      CMDLINE="$CMDLINE $line"
    done <"$f"
  done
  read -r kcmd </proc/cmdline || true
  CMDLINE="$CMDLINE $kcmd"
}

# getarg KEY: value of the last KEY=VALUE (or "1" for a bare KEY); status 1 when absent.
getarg() {
  _key=$1 _found=1 _val=
  set -f
  for _w in $CMDLINE; do
    case "$_w" in
      "$_key") _val=1 _found=0 ;;
      "$_key="*) _val=${_w#"$_key="} _found=0 ;;
    esac
  done
  set +f
  [ $_found -eq 0 ] && printf '%s\n' "$_val"
  return $_found
}

# getargs KEY: every value of KEY (space separated, commas split too); status 1 when absent.
getargs() {
  _key=$1 _out=
  set -f
  for _w in $CMDLINE; do
    case "$_w" in "$_key="*) _out="$_out $(printf '%s' "${_w#"$_key="}" | tr ',' ' ')" ;; esac
  done
  set +f
  [ -n "$_out" ] || return 1
  printf '%s\n' "$_out"
}

# getargbool DEFAULT KEY: true when KEY is set to anything but 0/no/off/false; DEFAULT when absent.
getargbool() {
  _def=$1
  if _v=$(getarg "$2"); then
    case "$_v" in 0|no|off|false) return 1 ;; *) return 0 ;; esac
  fi
  [ "$_def" = 1 ]
}

# is_mounted DIR: something is mounted on DIR (from /proc/mounts; busybox may lack mountpoint).
is_mounted() {
  while read -r _src _dst _rest; do [ "$_dst" = "$1" ] && return 0; done </proc/mounts
  return 1
}

uptime_s() { IFS=. read -r _u _ </proc/uptime; echo "$_u"; }

root_timeout() {
  for _k in rd.timeout rootdelay rd.retry; do
    _t=$(getarg $_k) || continue
    case "$_t" in ''|*[!0-9]*) warn "ignoring $_k=$_t: not a number of seconds" ;; *) echo "$_t"; return ;; esac
  done
  echo "${ROOT_TIMEOUT:-60}"
}

run_hooks() {
  for _h in /lib/mkinitramfs-ts/hooks/"$1"/*.sh; do
    [ -r "$_h" ] || continue
    . "$_h"
  done
}

# stage_break STAGE: rd.break=STAGE (or rd.break alone, meaning pre-pivot) opens a shell; exiting continues.
stage_break() {
  _b=$(getarg rd.break) || return 0
  [ "$_b" = 1 ] && _b=pre-pivot
  case " $(printf '%s' "$_b" | tr ',' ' ') " in
    *" $1 "*) info "rd.break=$1: break before continuing; exit the shell to go on"; interactive_shell ;;
  esac
}

# Modules named on the command line or in the image config are loaded before coldplug, in order.
load_forced_drivers() {
  set -f
  for _m in $(getargs rd.driver.blacklist) $(getargs modprobe.blacklist); do
    mkdir -p /etc/modprobe.d
    echo "blacklist $_m" >>/etc/modprobe.d/cmdline-blacklist.conf
  done
  for _m in $FORCE_DRIVERS $(getargs rd.driver.pre); do
    modprobe -b "$_m" 2>/dev/null || warn "cannot load forced driver $_m"
  done
  set +f
}

# coldplug: load the driver of every device the kernel has announced; only new modaliases are tried.
coldplug() {
  find /sys/devices -name modalias -type f 2>/dev/null >/run/initramfs/modalias.files
  _new=
  while IFS= read -r _f; do
    read -r _a <"$_f" 2>/dev/null || continue
    [ -n "$_a" ] || continue
    case "$COLDPLUG_SEEN" in *" $_a "*) continue ;; esac
    COLDPLUG_SEEN="$COLDPLUG_SEEN $_a "
    _new="$_new $_a"
  done </run/initramfs/modalias.files
  [ -n "$_new" ] || return 0
  # one modprobe for the whole round: it reads the module database once, not once per device
  set -f
  # shellcheck disable=SC2086 # one word per modalias, globbing off
  modprobe -a -q -b $_new 2>/dev/null
  set +f
  # drivers named rd.driver.post are loaded after the first round
  if [ -z "$POST_DONE" ]; then
    POST_DONE=1
    set -f
    for _m in $(getargs rd.driver.post); do modprobe -b "$_m" || warn "cannot load $_m"; done
    set +f
  fi
}

# The block devices the kernel knows now, one name per line.
block_devices() {
  while read -r _maj _min _blocks _name; do
    case "$_name" in ''|name) continue ;; esac
    echo "$_name"
  done </proc/partitions
}

# blkid_refresh: probe every block device with ONE blkid run, but only when the kernel's device list
# changed since the last probe (/init calls it each round). blkid_tag answers from that snapshot.
BLKID_CACHE=/run/initramfs/blkid.snapshot
blkid_refresh() {
  _parts=$(cat /proc/partitions)
  [ "$_parts" = "$BLKID_PARTS" ] && [ -r "$BLKID_CACHE" ] && return 0
  BLKID_PARTS=$_parts
  blkid -c /dev/null >"$BLKID_CACHE.new" 2>/dev/null
  block_devices | sed 's|^|/dev/|' >"$BLKID_CACHE.devs"
  mv "$BLKID_CACHE.new" "$BLKID_CACHE"
}

# blkid_tag DEV TAG: the value of TAG (UUID, LABEL, TYPE, PARTUUID...) of DEV: from this round's
# snapshot when DEV was probed then, else asked of blkid now (a device a hook just created).
blkid_tag() {
  _line=
  if [ -r "$BLKID_CACHE.devs" ] && grep -qxF -- "$1" "$BLKID_CACHE.devs"; then
    while IFS= read -r _l; do
      case "$_l" in "$1: "*) _line=$_l; break ;; esac
    done <"$BLKID_CACHE"
  else
    _line=$(blkid -c /dev/null "$1" 2>/dev/null)
  fi
  printf '%s\n' "$_line" | sed -n "s/.* $2=\"\([^\"]*\)\".*/\1/p"
}

# load_module NAME: modprobe NAME with its softdep pre/post modules first/after (busybox modprobe
# ignores modules.softdep, kmod's does not; this keeps both the same).
load_module() {
  _sd=/lib/modules/$(uname -r)/modules.softdep
  _pre= _post=
  if [ -r "$_sd" ]; then
    _line=$(grep "^softdep $1 " "$_sd" | head -n 1)
    if [ -n "$_line" ]; then
      _rest=${_line#softdep "$1" }
      _which=
      for _w in $_rest; do
        case "$_w" in pre:) _which=pre ;; post:) _which=post ;;
          *) if [ "$_which" = pre ]; then _pre="$_pre $_w"; else _post="$_post $_w"; fi ;; esac
      done
    fi
  fi
  for _m in $_pre; do modprobe -q -b "$_m" 2>/dev/null; done
  modprobe -q -b "$1" || return 1
  for _m in $_post; do modprobe -q -b "$_m" 2>/dev/null; done
  return 0
}
