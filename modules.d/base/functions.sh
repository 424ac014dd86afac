# Shell library of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash). Sourced, never executed.
# Command-line values are only compared, split and quoted here: nothing is ever eval-ed.
# Under emulation every fork and exec costs milliseconds: what runs on each round of the wait for
# root reads files with the shell's own `read` and sets variables instead of printing into $(...).

info() { echo "$*" >&2; }
warn() { echo "mkinitramfs-ts: warning: $*" >&2; }

# secret_begin / secret_end: around every command that sees a secret (a passphrase), so that rd.debug's
# trace (set -x) never prints it; secret_end turns tracing back on only if it was on.
secret_begin() { case $- in *x*) SECRET_TRACE=1 && set +x ;; *) SECRET_TRACE= ;; esac; }
secret_end() { [ -z "$SECRET_TRACE" ] || set -x; }

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

# argval KEY: sets ARGVAL to the value of the last KEY=VALUE (or "1" for a bare KEY); status 1 when
# absent. getarg without the subshell of $(getarg KEY).
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

# getarg KEY: value of the last KEY=VALUE (or "1" for a bare KEY); status 1 when absent.
getarg() {
  argval "$1" || return 1
  printf '%s\n' "$ARGVAL"
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

# is_mounted DIR: something is mounted on DIR (from /proc/mounts; busybox may lack mountpoint).
is_mounted() {
  while read -r _src _dst _rest; do [ "$_dst" = "$1" ] && return 0; done </proc/mounts
  return 1
}

uptime_s() { IFS=. read -r _u _ </proc/uptime; echo "$_u"; }

# seconds_of VALUE MAX: SECS = VALUE as a whole number of seconds, 0 to MAX; status 1 (SECS
# empty) when it is not one. Decimal digits only; leading zeros are allowed and mean nothing (08 is 8,
# never octal), so SECS is always safe in $((...)).
seconds_of() {
  SECS=
  case "$1" in ''|*[!0-9]*) return 1 ;; esac
  _so=$1
  while :; do case "$_so" in 0?*) _so=${_so#0} ;; *) break ;; esac; done
  [ "${#_so}" -le 9 ] && [ "$_so" -le "$2" ] || return 1
  SECS=$_so
}

# root_timeout: reads rd.timeout (else rootdelay, else rd.retry) once and sets, for /init and every hook:
#   ROOT_TIMEOUT_S  seconds to wait for the root device; 0 = for ever (the timeout hooks never run)
#   MEMBER_WAIT_S   seconds to wait for the missing members of an md array before starting it
#                   degraded: half of ROOT_TIMEOUT_S (rounded up), or half the image's default when
#                   ROOT_TIMEOUT_S is 0 (a degraded array must still start, so the root can appear)
# A value that is not a number of seconds from 0 to 86400 is said and ignored: the image's default
# (ROOT_TIMEOUT from image.conf, else 60) applies.
root_timeout() {
  [ -z "$ROOT_TIMEOUT_S" ] || return 0
  seconds_of "${ROOT_TIMEOUT:-60}" 86400 && [ "$SECS" -gt 0 ] || SECS=60
  _rt_default=$SECS
  ROOT_TIMEOUT_S=$_rt_default
  for _k in rd.timeout rootdelay rd.retry; do
    argval $_k || continue
    if seconds_of "$ARGVAL" 86400; then ROOT_TIMEOUT_S=$SECS; break; fi
    warn "ignoring $_k=$ARGVAL: not a number of seconds from 0 to 86400; waiting ${_rt_default}s"
  done
  if [ "$ROOT_TIMEOUT_S" -gt 0 ]; then
    MEMBER_WAIT_S=$(((ROOT_TIMEOUT_S + 1) / 2))
  else
    MEMBER_WAIT_S=$(((_rt_default + 1) / 2))
  fi
}

run_hooks() {
  for _h in /lib/mkinitramfs-ts/hooks/"$1"/*.sh; do
    [ -r "$_h" ] || continue
    . "$_h"
  done
}

# stage_break STAGE: rd.break=STAGE (or rd.break alone, meaning pre-pivot) opens a shell; exiting continues.
stage_break() {
  argval rd.break || return 0
  _b=$ARGVAL
  [ "$_b" = 1 ] && _b=pre-pivot
  case ",$_b," in
    *",$1,"*) info "rd.break=$1: break before continuing; exit the shell to go on"; interactive_shell ;;
  esac
}

# Modules named on the command line or in the image config are loaded before coldplug, in order.
load_forced_drivers() {
  # mostly none of these is given: no subshells then
  case "$CMDLINE" in *rd.driver.*|*modprobe.blacklist*) ;; *) [ -n "$FORCE_DRIVERS" ] || return 0 ;; esac
  set -f
  for _m in $(getargs rd.driver.blacklist) $(getargs modprobe.blacklist); do
    mkdir -p /etc/modprobe.d
    echo "blacklist $_m" >>/etc/modprobe.d/cmdline-blacklist.conf
  done
  for _m in $FORCE_DRIVERS $(getargs rd.driver.pre); do
    # status 2: it failed to load, and modprobe_checked said why
    modprobe_checked -b -- "$_m" || [ $? -eq 2 ] || warn "cannot load forced driver $_m: no module of that name in this image"
  done
  set +f
}

# coldplug: load the driver of every device the kernel has announced; only new modaliases are tried.
# The kernel counts its uevents (a device, a driver binding, a module): when the count has not moved
# since the last round, nothing new is there to see. COLDPLUG_CHANGED is set when it had moved.
coldplug() {
  [ -z "$COLDPLUG_PIDS" ] || coldplug_reap
  COLDPLUG_CHANGED=
  _seq=
  read -r _seq 2>/dev/null </sys/kernel/uevent_seqnum
  if [ -z "$_seq" ] || [ "$_seq" != "$COLDPLUG_SEQNUM" ]; then
    # shellcheck disable=SC2034 # COLDPLUG_CHANGED is read by /init
    COLDPLUG_SEQNUM=$_seq COLDPLUG_CHANGED=1
    _new=
    if [ -d /sys/bus ]; then
      # Every device a driver can bind is on a bus; of the class devices only input devices and the
      # DMI table carry a modalias, and the CPU's own sits apart. Globs instead of `find
      # /sys/devices`, whose walk of all of sysfs takes ~0.4 s under emulation. A device's modalias
      # never changes: only the files not read before are read, by one cat.
      # Most rounds that see the count move only saw modules load (each load is a uevent): the
      # whole list, compared as one string, says so without a look at each file.
      _nl='
'
      _todo=
      set -- /sys/bus/*/devices/*/modalias /sys/class/input/*/modalias /sys/class/dmi/*/modalias /sys/devices/system/cpu/modalias
      _all="$*"
      if [ "$_all" != "$COLDPLUG_ALL" ]; then
        COLDPLUG_ALL=$_all
        _seen="$_nl$COLDPLUG_FILES"
        for _f; do
          case "$_seen" in *"$_nl$_f$_nl"*) continue ;; esac
          COLDPLUG_FILES="$COLDPLUG_FILES$_f$_nl"
          _todo="$_todo$_f$_nl"
        done
      fi
      if [ -n "$_todo" ]; then
        # a path and a modalias a line: split at newlines only, never glob-expand
        set -f
        _ifs=$IFS IFS=$_nl
        # shellcheck disable=SC2013,SC2086 # IFS is a newline: a line per word
        for _a in $(cat $_todo 2>/dev/null); do _coldplug_new "$_a"; done
        IFS=$_ifs
        set +f
      fi
    else
      # not a kernel's sysfs (a test's fake root): walk it
      find /sys/devices -name modalias -type f 2>/dev/null >/run/initramfs/modalias.files
      while IFS= read -r _f; do
        read -r _a 2>/dev/null <"$_f" && _coldplug_new "$_a"
      done </run/initramfs/modalias.files
    fi
    if [ -n "$_new" ]; then
      # One modprobe for the whole round: it reads the module database once, not once per device.
      # In the background: after its init, loading a module waits for every probe still running
      # (ahci's of its empty SATA ports take ~0.3 s), and the next rounds can load the drivers of
      # what the first ones brought up meanwhile. Each driver still probes its devices in bus
      # order, so their names stay as they were (vda is the first virtio disk).
      # What it says goes to a file of its own, sorted once it has finished (coldplug_reap).
      COLDPLUG_N=$((COLDPLUG_N + 1))
      set -f
      # shellcheck disable=SC2086 # one word per modalias, globbing off; MODPROBE_Q is empty or -q
      modprobe $MODPROBE_Q -a -b -- $_new 2>"/tmp/coldplug.$COLDPLUG_N.err" &
      COLDPLUG_PIDS="$COLDPLUG_PIDS $!:$COLDPLUG_N"
      set +f
    fi
  fi
  # drivers named rd.driver.post are loaded after the first round's
  if [ -z "$POST_DONE" ]; then
    POST_DONE=1
    case "$CMDLINE" in *rd.driver.post=*) ;; *) return 0 ;; esac
    set -f
    _cp_post=$(getargs rd.driver.post) && coldplug_wait
    for _m in $_cp_post; do
      modprobe_checked -b -- "$_m" || [ $? -eq 2 ] || warn "cannot load rd.driver.post $_m: no module of that name in this image"
    done
    set +f
  fi
}

# nap SECONDS: wait a fraction of a second. busybox ash's `read -t` on a FIFO that nobody writes waits
# without the fork and exec of `sleep` (~10 ms under emulation, on every round of the wait for root);
# dash has no `read -t` (status 2) and runs sleep.
nap() {
  if [ -z "$NAP_FIFO" ]; then
    NAP_FIFO=/tmp/nap.fifo # in the initramfs itself: not carried into the real root
    [ -p "$NAP_FIFO" ] || mknod "$NAP_FIFO" p 2>/dev/null || NAP_FIFO=none
  fi
  if [ "$NAP_FIFO" != none ]; then
    # shellcheck disable=SC3045 # read -t: busybox ash has it; dash says no (status 2)
    read -r -t "$1" _nap <>"$NAP_FIFO" 2>/dev/null
    [ $? -ne 2 ] && return 0
    NAP_FIFO=none
  fi
  sleep "$1" 2>/dev/null || sleep 1
}

# coldplug_wait: wait for the module loads coldplug started, and report those that failed.
coldplug_wait() {
  for _p in $COLDPLUG_PIDS; do
    wait "${_p%:*}" 2>/dev/null
    loads_check "/tmp/coldplug.${_p#*:}.err"
  done
  COLDPLUG_PIDS=
}

# coldplug_reap: report the failures of the coldplug loads that have finished, so that they are said
# while /init still waits (with rd.timeout=0 for ever). No fork: a finished modprobe is a zombie ("Z")
# until the shell waits for it, or gone from /proc once it has (then `wait` returns at once; without a
# /proc it waits for the load, so its words are never read half-written).
coldplug_reap() {
  _cr_left=
  for _p in $COLDPLUG_PIDS; do
    _cr_state=
    read -r _cr_x _cr_x _cr_state _cr_x 2>/dev/null <"/proc/${_p%:*}/stat"
    case "$_cr_state" in
      ''|Z|X) wait "${_p%:*}" 2>/dev/null; loads_check "/tmp/coldplug.${_p#*:}.err" ;;
      *) _cr_left="$_cr_left $_p" ;;
    esac
  done
  COLDPLUG_PIDS=$_cr_left
}

# _coldplug_new MODALIAS: add it to this round's list unless it was tried before.
_coldplug_new() {
  [ -n "$1" ] || return 0
  case "$COLDPLUG_SEEN" in *" $1 "*) return 0 ;; esac
  COLDPLUG_SEEN="$COLDPLUG_SEEN $1 "
  _new="$_new $1"
}

# The block devices the kernel knows now, one name per line.
block_devices() {
  while read -r _maj _min _blocks _name; do
    case "$_name" in ''|name) continue ;; esac
    echo "$_name"
  done </proc/partitions
}

# read_partitions: PARTITIONS = /proc/partitions now, as one string to compare with an earlier one
# (sizes too: an md array that starts changes its size); BLOCK_NAMES = the device names in it.
read_partitions() {
  PARTITIONS='' BLOCK_NAMES=''
  while read -r _maj _min _blocks _name; do
    case "$_name" in ''|name) continue ;; esac
    PARTITIONS="$PARTITIONS $_maj:$_min:$_blocks:$_name"
    BLOCK_NAMES="$BLOCK_NAMES $_name"
  done </proc/partitions
}

# blkid_refresh: probe every block device with ONE blkid run, but only when the kernel's device list
# changed since the last probe (/init calls it each round). blkid_value answers from that snapshot.
BLKID_CACHE=/run/initramfs/blkid.snapshot
blkid_refresh() {
  read_partitions
  [ -n "$BLKID_DONE" ] && [ "$PARTITIONS" = "$BLKID_PARTS" ] && return 0
  BLKID_DONE=1 BLKID_PARTS=$PARTITIONS
  BLKID_OUT=
  [ -z "$BLOCK_NAMES" ] || _blkid_records
  # a newline first and two last: every record is "\nDEVNAME=/dev/NAME\nTAG=VALUE...\n\n"
  BLKID_SNAPSHOT="
$BLKID_OUT

"
  BLKID_DEVS=
  for _br_b in $BLOCK_NAMES; do BLKID_DEVS="$BLKID_DEVS /dev/$_br_b "; done
  printf '%s' "$BLKID_SNAPSHOT" >"$BLKID_CACHE" 2>/dev/null
}

# _blkid_records [DEV...]: BLKID_OUT = what blkid says of each DEV (of each of BLOCK_NAMES when none) as
# records: "DEVNAME=/dev/X", then a TAG=VALUE a line, a blank line between records. util-linux's blkid
# writes that itself (-o export), escaping every byte of a value that could end a line or a value, so a
# label cannot forge a line. busybox's blkid knows no options and prints labels raw (a newline or a quote
# in a label could make another device's line): each of its devices is asked alone, and its one line
# is read from the right, where its UUID and TYPE (never a quote in them) follow the label.
_blkid_records() {
  if [ -z "$BLKID_KIND" ]; then
    case "$(blkid -V 2>&1)" in *util-linux*) BLKID_KIND=util-linux ;; *) BLKID_KIND=busybox ;; esac
  fi
  if [ $# -eq 0 ]; then
    for _bb in $BLOCK_NAMES; do set -- "$@" "/dev/$_bb"; done
  fi
  if [ "$BLKID_KIND" = util-linux ]; then
    BLKID_OUT=$(blkid -c /dev/null -o export "$@" 2>/dev/null)
    return 0
  fi
  BLKID_OUT=
  for _bb; do
    _bb_l=$(blkid "$_bb" 2>/dev/null) || continue
    case "$_bb_l" in "$_bb: "*) _bb_l=${_bb_l#"$_bb:"} ;; *) continue ;; esac
    _bb_r=
    for _bb_t in TYPE UUID; do
      case "$_bb_l" in *" $_bb_t=\""*'"') ;; *) continue ;; esac
      _bb_v=${_bb_l##*" $_bb_t=\""} _bb_v=${_bb_v%\"}
      case "$_bb_v" in *[\"\\]*|*"
"*) continue ;; esac
      _bb_r="
$_bb_t=$_bb_v$_bb_r"
      _bb_l=${_bb_l%" $_bb_t=\""*}
    done
    case "$_bb_l" in
      ' LABEL="'*'"')
        _bb_v=${_bb_l#' LABEL="'} _bb_v=${_bb_v%\"}
        _blkid_escape "$_bb_v"
        _bb_r="
LABEL=$BLKID_ESC$_bb_r" ;;
    esac
    [ -z "$_bb_r" ] || BLKID_OUT="${BLKID_OUT}DEVNAME=$_bb$_bb_r

"
  done
}

# _blkid_escape VALUE: BLKID_ESC = VALUE the way blkid -o export writes it: a backslash before a
# backslash, a quote or a space, "^J" for a newline (so a record line never ends inside a value).
_blkid_escape() {
  _be_in=$1 BLKID_ESC=
  while [ -n "$_be_in" ]; do
    _be_c=${_be_in%"${_be_in#?}"} _be_in=${_be_in#?}
    case "$_be_c" in
      \\|\"|' ') BLKID_ESC="$BLKID_ESC\\$_be_c" ;;
      "
") BLKID_ESC="$BLKID_ESC^J" ;;
      *) BLKID_ESC="$BLKID_ESC$_be_c" ;;
    esac
  done
}

# _blkid_unescape VALUE: BLKID_VALUE = VALUE without blkid -o export's backslashes (\X is X).
_blkid_unescape() {
  _bu_in=$1 BLKID_VALUE=
  case "$_bu_in" in *\\*) ;; *) BLKID_VALUE=$_bu_in; return 0 ;; esac
  while [ -n "$_bu_in" ]; do
    case "$_bu_in" in
      \\?*) _bu_in=${_bu_in#?} ;;
    esac
    BLKID_VALUE="$BLKID_VALUE${_bu_in%"${_bu_in#?}"}" _bu_in=${_bu_in#?}
  done
}

# blkid_value DEV TAG: sets BLKID_VALUE to TAG (UUID, LABEL, TYPE, PARTUUID...) of DEV; status 1 when
# DEV has no such tag. From the snapshot when DEV was probed for it, else asked of blkid now. A device
# that appeared since (or that a hook just created) renews the snapshot: one blkid run for all the
# new devices, instead of one per device and per hook that asks.
blkid_value() {
  BLKID_VALUE=
  case "$BLKID_DEVS" in *" $1 "*) ;; *) [ -n "$BLKID_DONE" ] && blkid_refresh ;; esac
  case "$BLKID_DEVS" in
    *" $1 "*)
      _line=
      _blkid_line "$1" "$BLKID_SNAPSHOT" || {
        # blkid names device-mapper devices /dev/mapper/NAME, not /dev/dm-N
        case "$1" in /dev/dm-*) read -r _dm 2>/dev/null <"/sys/class/block/${1#/dev/}/dm/name" && _blkid_line "/dev/mapper/$_dm" "$BLKID_SNAPSHOT" ;; esac
      } ;;
    *)
      _blkid_records "$1"
      _line=
      _blkid_line "$1" "
$BLKID_OUT

" || _line=${BLKID_OUT#*"
"} ;;
  esac
  _line="
$_line
"
  case "$_line" in *"
$2="*) ;; *) return 1 ;; esac
  _line=${_line#*"
$2="}
  _line=${_line%%"
"*}
  _blkid_unescape "$_line"
}

# _blkid_line DEV RECORDS: _line = the TAG=VALUE lines of DEV in RECORDS; status 1 when it has none.
_blkid_line() {
  case "$2" in *"
DEVNAME=$1
"*) ;; *) return 1 ;; esac
  _line=${2#*"
DEVNAME=$1
"}
  _line=${_line%%"

"*}
}

# blkid_tag DEV TAG: print TAG of DEV (nothing when it has none); see blkid_value.
blkid_tag() {
  blkid_value "$1" "$2" && printf '%s\n' "$BLKID_VALUE"
  return 0
}

# have_block_type TYPE: some block device holds TYPE (LVM2_member, crypto_LUKS, linux_raid_member...),
# so a stacking hook has something to do. Answered from the snapshot except for new devices.
have_block_type() {
  read_partitions
  for _hb in $BLOCK_NAMES; do
    blkid_value "/dev/$_hb" TYPE && [ "$BLKID_VALUE" = "$1" ] && return 0
  done
  return 1
}
