# Block devices and their ids in the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash): the one
# reader of /proc/partitions, and blkid's answers (TYPE, UUID, LABEL, PARTUUID ...) from one blkid run
# per change of the device list. Sourced, never executed.

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

# lower HEX: HEX with A-F in lower case (UUIDs as blkid prints them); tr only when there is one.
lower() {
  case "$1" in
    *[A-F]*) printf '%s' "$1" | tr 'ABCDEF' 'abcdef' ;;
    *) printf '%s' "$1" ;;
  esac
}

# blkid_refresh: probe every block device with ONE blkid run, but only when the kernel's device list
# changed since the last probe (/init calls it each round). blkid_value answers from that snapshot.
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

# have_block_type TYPE: some block device holds TYPE (LVM2_member, crypto_LUKS, linux_raid_member...),
# so a stacking hook has something to do. Answered from the snapshot except for new devices.
have_block_type() {
  read_partitions
  for _hb in $BLOCK_NAMES; do
    blkid_value "/dev/$_hb" TYPE && [ "$BLKID_VALUE" = "$1" ] && return 0
  done
  return 1
}
