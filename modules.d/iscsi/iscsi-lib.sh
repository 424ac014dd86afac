# iSCSI root of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash), sourced by the iscsi feature's
# hooks. dracut's command line (dracut.cmdline(7)):
#   netroot=iscsi:[USER:PASS[:INUSER:INPASS]@]SERVER:[PROTO]:[PORT]:[LUN]:TARGET
#   rd.iscsi.initiator=  rd.iscsi.target.name= .ip= .port= .group=  rd.iscsi.username= .password=
#   rd.iscsi.in.username= .in.password=  rd.iscsi.param=NAME=VALUE  rd.iscsi.firmware
# SERVER an IPv4 address, a bracketed IPv6 one or a host name; PROTO empty or 6 (TCP); PORT 3260 when
# empty; LUN 0 when empty; TARGET an iSCSI name (it may hold ':'). Values are checked here and passed to
# iscsistart as single arguments; nothing is eval-ed. CHAP secrets are never printed: messages show
# them as ***, and rd.debug's trace is off (secret_begin/secret_end) wherever a command sees one.
# Uses the network feature's net-lib.sh (net_valid_ip, net_valid_hostname, net_values), sourced before.

ISCSI_DIR=/run/initramfs/iscsi
ISCSI_DEFAULT_PORT=3260
# one iscsistart attempt's limit (a portal that never answers would otherwise take minutes)
ISCSI_LOGIN_S=15

_iscsi_fail() { ISCSI_ERROR=$1; return 1; }

# iscsi_valid_name NAME: an iSCSI name (iqn.…, eui.…, naa.… or another a target calls itself): 1-223 of
# letters, digits, '.', ':', '-', not starting with '-' (RFC 3720's characters; upper case allowed).
iscsi_valid_name() {
  case "$1" in ''|-*|:*|*[!A-Za-z0-9.:-]*) return 1 ;; esac
  [ "${#1}" -le 223 ]
}

# iscsi_valid_server TEXT: an IPv4 address, or a host name that is not all digits and dots (10.0.2 is
# a mistyped address, not a name).
iscsi_valid_server() {
  case "$1" in *[!0-9.]*) net_valid_hostname "$1" ;; *) net_valid_ipv4 "$1" ;; esac
}

# iscsi_valid_user NAME: a CHAP user name: 1-255 of letters, digits and ._@+=,/:- (no '-' first).
iscsi_valid_user() {
  case "$1" in ''|-*|*[!A-Za-z0-9._@+=,/:-]*) return 1 ;; esac
  [ "${#1}" -le 255 ]
}

# iscsi_valid_secret TEXT: a CHAP secret: 1-255 characters without control characters or spaces (the
# command line cannot carry those anyway). Only ever passed as one argument.
iscsi_valid_secret() {
  case "$1" in ''|*[![:graph:]]*) return 1 ;; esac
  [ "${#1}" -le 255 ]
}

# iscsi_shown VALUE: ISCSI_SHOWN = a netroot value with its USER:PASS part as *** (for messages).
iscsi_shown() {
  case "$1" in
    iscsi:*@*) ISCSI_SHOWN="iscsi:***@${1#*@}" ;;
    *) ISCSI_SHOWN=$1 ;;
  esac
}

# iscsi_parse_netroot VALUE (after "iscsi:"): ISCSI_SERVER, ISCSI_PORT, ISCSI_LUN, ISCSI_TARGET and, from
# a USER:PASS[:INUSER:INPASS]@ part, ISCSI_USER, ISCSI_PASS, ISCSI_IN_USER, ISCSI_IN_PASS. Status 1 with
# ISCSI_ERROR (which never holds a secret). It sees the secrets: call it between secret_begin and secret_end.
iscsi_parse_netroot() {
  ISCSI_SERVER='' ISCSI_PORT=$ISCSI_DEFAULT_PORT ISCSI_LUN=0 ISCSI_TARGET='' ISCSI_ERROR=''
  _ipn_in=$1
  case "$_ipn_in" in
    *@*)
      _ipn_auth=${_ipn_in%%@*} _ipn_in=${_ipn_in#*@}
      # an empty USER:PASS@ is allowed (dracut's form for a target name holding '@'; ours never does)
      if [ -n "$_ipn_auth" ] && ! _iscsi_auth "$_ipn_auth"; then _ipn_auth=''; return 1; fi
      _ipn_auth='' ;;
  esac
  case "$_ipn_in" in
    \[*)
      case "$_ipn_in" in *\]:*) ;; *) _iscsi_fail "unbalanced [ or no ':' after the server address"; return ;; esac
      _ipn_srv=${_ipn_in%%\]:*}] _ipn_in=${_ipn_in#*\]:}
      net_valid_ip "$_ipn_srv" || { _iscsi_fail "server '$_ipn_srv' is not an IPv6 address"; return; }
      ISCSI_SERVER=$NET_IP ;;
    *:*)
      _ipn_srv=${_ipn_in%%:*} _ipn_in=${_ipn_in#*:}
      iscsi_valid_server "$_ipn_srv" || { _iscsi_fail "server '$_ipn_srv' is not an address or a host name"; return; }
      ISCSI_SERVER=$_ipn_srv ;;
    *) _iscsi_fail "no ':' after the server (the form is SERVER:[PROTO]:[PORT]:[LUN]:TARGET)"; return ;;
  esac
  case "$_ipn_in" in *[!A-Za-z0-9.:-]*) _iscsi_fail "a character that no field after the server has"; return ;; esac
  # the target name begins at the first field that starts with iqn., eui. or naa.; otherwise it is
  # everything after PROTO:PORT:LUN
  case ":$_ipn_in" in
    *:iqn.*|*:eui.*|*:naa.*)
      _ipn_t=$_ipn_in _ipn_f=''
      while :; do
        case "$_ipn_t" in iqn.*|eui.*|naa.*) break ;; esac
        _ipn_f="$_ipn_f${_ipn_t%%:*}:" _ipn_t=${_ipn_t#*:}
      done
      ISCSI_TARGET=$_ipn_t _ipn_f=${_ipn_f%:} ;;
    *) _ipn_f=$_ipn_in ;;
  esac
  # split at ':' (a ':' at the end ends the last field, so an empty LUN stays a field); globbing is off
  _ipn_f=$_ipn_f: _ipn_ifs=$IFS
  IFS=:
  set -f
  # shellcheck disable=SC2086
  set -- $_ipn_f
  set +f
  IFS=$_ipn_ifs
  if [ -n "$ISCSI_TARGET" ]; then
    [ $# -ne 5 ] || { _iscsi_fail "the IFACE and NETDEV fields are not supported (use ip= for the interface)"; return; }
    [ $# -eq 3 ] || { _iscsi_fail "expected [PROTO]:[PORT]:[LUN] between the server and the target name"; return; }
  else
    [ $# -ge 4 ] || { _iscsi_fail "no target name (the form is SERVER:[PROTO]:[PORT]:[LUN]:TARGET)"; return; }
    _ipn_p=$1 _ipn_o=$2 _ipn_l=$3
    shift 3
    ISCSI_TARGET=$1
    shift
    for _ipn_x in "$@"; do ISCSI_TARGET="$ISCSI_TARGET:$_ipn_x"; done
    ISCSI_TARGET=${ISCSI_TARGET%:}
    set -- "$_ipn_p" "$_ipn_o" "$_ipn_l"
  fi
  case "$1" in ''|6) ;; *) _iscsi_fail "protocol '$1' is not 6 (TCP), the only one"; return ;; esac
  if [ -n "$2" ]; then
    { seconds_of "$2" 65535 && [ "$SECS" -gt 0 ]; } || { _iscsi_fail "port '$2' is not a number from 1 to 65535"; return; }
    ISCSI_PORT=$SECS
  fi
  if [ -n "$3" ]; then
    seconds_of "$3" 16383 || { _iscsi_fail "LUN '$3' is not a number from 0 to 16383"; return; }
    ISCSI_LUN=$SECS
  fi
  iscsi_valid_name "$ISCSI_TARGET" || _iscsi_fail "target name '$ISCSI_TARGET' is not an iSCSI name"
}

# _iscsi_auth USER:PASS[:INUSER:INPASS] (tracing is off): the four ISCSI_*USER/PASS values.
_iscsi_auth() {
  _ia_in=$1: _ia_ifs=$IFS
  IFS=:
  set -f
  # shellcheck disable=SC2086 # split at ':' on purpose; globbing is off
  set -- $_ia_in
  _ia_in=''
  set +f
  IFS=$_ia_ifs
  case $# in 2|4) ;; *) _iscsi_fail "the part before '@' is not USER:PASSWORD or USER:PASSWORD:INUSER:INPASSWORD"; return ;; esac
  iscsi_valid_user "$1" || { _iscsi_fail "CHAP user name '$1' is not valid"; return; }
  iscsi_valid_secret "$2" || { _iscsi_fail "the CHAP password of '$1' is empty or holds a character it cannot"; return; }
  ISCSI_USER=$1 ISCSI_PASS=$2
  [ $# -eq 4 ] || return 0
  iscsi_valid_user "$3" || { _iscsi_fail "incoming CHAP user name '$3' is not valid"; return; }
  iscsi_valid_secret "$4" || { _iscsi_fail "the incoming CHAP password of '$3' is empty or holds a character it cannot"; return; }
  ISCSI_IN_USER=$3 ISCSI_IN_PASS=$4
}

# iscsi_read_cmdline: every iSCSI argument, checked once (cmdline stage). ISCSI_WANTED=1 when the root is
# on iSCSI (netroot=iscsi:…, rd.iscsi.target.name/ip, or rd.iscsi.firmware); status 1 with ISCSI_ERROR
# naming the argument (a secret shown as ***).
iscsi_read_cmdline() {
  ISCSI_WANTED='' ISCSI_ERROR='' ISCSI_FIRMWARE='' ISCSI_ROOT='' ISCSI_PARAMS=''
  ISCSI_USER='' ISCSI_PASS='' ISCSI_IN_USER='' ISCSI_IN_PASS='' ISCSI_INITIATOR='' ISCSI_GROUP=1
  ISCSI_SERVER='' ISCSI_PORT=$ISCSI_DEFAULT_PORT ISCSI_LUN=0 ISCSI_TARGET=''
  getargbool 0 rd.iscsi.firmware && ISCSI_FIRMWARE=1
  # the secrets first (a USER:PASS@ in netroot= wins over them); argval's assignments see them
  for _irc_k in username password in.username in.password; do
    secret_begin
    if argval "rd.iscsi.$_irc_k"; then
      case "$_irc_k" in
        username|in.username) iscsi_valid_user "$ARGVAL" || { secret_end; _iscsi_fail "rd.iscsi.$_irc_k=$ARGVAL: not a CHAP user name (letters, digits, ._@+=,/:-)"; return; } ;;
        *) iscsi_valid_secret "$ARGVAL" || { ARGVAL=''; secret_end; _iscsi_fail "rd.iscsi.$_irc_k=***: empty, or a character a CHAP secret cannot hold"; return; } ;;
      esac
      case "$_irc_k" in
        username) ISCSI_USER=$ARGVAL ;;
        password) ISCSI_PASS=$ARGVAL ;;
        in.username) ISCSI_IN_USER=$ARGVAL ;;
        in.password) ISCSI_IN_PASS=$ARGVAL ;;
      esac
      ARGVAL=''
    fi
    secret_end
  done
  if argval rd.iscsi.initiator; then
    iscsi_valid_name "$ARGVAL" || { _iscsi_fail "rd.iscsi.initiator=$ARGVAL: not an iSCSI name"; return; }
    ISCSI_INITIATOR=$ARGVAL
  fi
  if argval rd.iscsi.target.group; then
    seconds_of "$ARGVAL" 65535 || { _iscsi_fail "rd.iscsi.target.group=$ARGVAL: not a number from 0 to 65535"; return; }
    ISCSI_GROUP=$SECS
  fi
  if net_values rd.iscsi.param; then
    while IFS= read -r _irc_p; do
      [ -n "$_irc_p" ] || continue
      case "$_irc_p" in
        -*|=*|*=|*[!A-Za-z0-9._=,:-]*) _iscsi_fail "rd.iscsi.param=$_irc_p: not NAME=VALUE of letters, digits and ._,:-"; return ;;
        *=*) ISCSI_PARAMS="$ISCSI_PARAMS $_irc_p" ;;
        *) _iscsi_fail "rd.iscsi.param=$_irc_p: not NAME=VALUE"; return ;;
      esac
    done <<EOF
$NET_VALUES
EOF
  fi
  secret_begin
  argval netroot
  _irc_nr=$ARGVAL
  ARGVAL=''
  case "$_irc_nr" in
    iscsi:*)
      iscsi_shown "$_irc_nr"
      ISCSI_ROOT=$ISCSI_SHOWN
      if ! iscsi_parse_netroot "${_irc_nr#iscsi:}"; then
        _irc_nr=''; secret_end
        ISCSI_ERROR="netroot=$ISCSI_ROOT: $ISCSI_ERROR"
        return 1
      fi
      _irc_nr=''
      secret_end
      ISCSI_WANTED=1
      return 0 ;;
  esac
  _irc_nr=''
  secret_end
  # no netroot=iscsi: the target from rd.iscsi.target.*
  if argval rd.iscsi.target.name; then
    iscsi_valid_name "$ARGVAL" || { _iscsi_fail "rd.iscsi.target.name=$ARGVAL: not an iSCSI name"; return; }
    ISCSI_TARGET=$ARGVAL
  fi
  if argval rd.iscsi.target.ip; then
    if net_valid_ip "[$ARGVAL]"; then ISCSI_SERVER=$NET_IP
    elif iscsi_valid_server "$ARGVAL"; then ISCSI_SERVER=$ARGVAL
    else _iscsi_fail "rd.iscsi.target.ip=$ARGVAL: not an address or a host name"; return; fi
  fi
  if argval rd.iscsi.target.port; then
    { seconds_of "$ARGVAL" 65535 && [ "$SECS" -gt 0 ]; } || { _iscsi_fail "rd.iscsi.target.port=$ARGVAL: not a number from 1 to 65535"; return; }
    ISCSI_PORT=$SECS
  fi
  if [ -n "$ISCSI_TARGET$ISCSI_SERVER" ]; then
    [ -n "$ISCSI_TARGET" ] || { _iscsi_fail "rd.iscsi.target.ip= without rd.iscsi.target.name="; return; }
    [ -n "$ISCSI_SERVER" ] || { _iscsi_fail "rd.iscsi.target.name= without rd.iscsi.target.ip="; return; }
    ISCSI_ROOT="rd.iscsi.target.name=$ISCSI_TARGET"
    ISCSI_WANTED=1
  fi
  [ -z "$ISCSI_FIRMWARE" ] || ISCSI_WANTED=1
  return 0
}

# iscsi_what: ISCSI_WHAT = what the login is to, for messages ("TARGET at SERVER:PORT").
iscsi_what() {
  if [ -n "$ISCSI_TARGET" ]; then ISCSI_WHAT="$ISCSI_TARGET at $ISCSI_SERVER:$ISCSI_PORT"
  else ISCSI_WHAT="the targets of the firmware (iBFT)"; fi
}

# iscsi_initiator: ISCSI_INITIATOR from rd.iscsi.initiator=, else the image's
# /etc/iscsi/initiatorname.iscsi (InitiatorName=…), else a new one for this boot; written to
# /run/initiatorname.iscsi for the real root's open-iscsi to see which name logged in.
iscsi_initiator() {
  if [ -z "$ISCSI_INITIATOR" ] && [ -r /etc/iscsi/initiatorname.iscsi ]; then
    while IFS= read -r _ii_l; do
      case "$_ii_l" in InitiatorName=*) iscsi_valid_name "${_ii_l#InitiatorName=}" && ISCSI_INITIATOR=${_ii_l#InitiatorName=} ;; esac
    done </etc/iscsi/initiatorname.iscsi
  fi
  if [ -z "$ISCSI_INITIATOR" ]; then
    read -r _ii_u </proc/sys/kernel/random/uuid || _ii_u=00000000
    ISCSI_INITIATOR="iqn.2026-12.org.mkinitramfs-ts:${_ii_u%%-*}"
  fi
  printf 'InitiatorName=%s\n' "$ISCSI_INITIATOR" >/run/initiatorname.iscsi
}

# iscsi_login: one iscsistart attempt (bounded by ISCSI_LOGIN_S). Status 0 logged in; 1 not
# (ISCSI_LAST_ERROR says why, in iscsistart's words). The secrets reach iscsistart as arguments only.
iscsi_login() {
  if [ -n "$ISCSI_FIRMWARE" ] && [ -z "$ISCSI_TARGET" ]; then
    set -- -b
  else
    set -- -i "$ISCSI_INITIATOR" -t "$ISCSI_TARGET" -g "$ISCSI_GROUP" -a "$ISCSI_SERVER" -p "$ISCSI_PORT" \
      -P node.session.initial_login_retry_max=1
    set -f
    # ISCSI_PARAMS: checked NAME=VALUE words without spaces
    for _il_p in $ISCSI_PARAMS; do set -- "$@" -P "$_il_p"; done
    set +f
  fi
  secret_begin
  [ -z "$ISCSI_USER" ] || set -- "$@" -u "$ISCSI_USER"
  [ -z "$ISCSI_PASS" ] || set -- "$@" -w "$ISCSI_PASS"
  [ -z "$ISCSI_IN_USER" ] || set -- "$@" -U "$ISCSI_IN_USER"
  [ -z "$ISCSI_IN_PASS" ] || set -- "$@" -W "$ISCSI_IN_PASS"
  if ISCSI_LAST_ERROR=$(timeout "$ISCSI_LOGIN_S" iscsistart "$@" 2>&1); then
    set --
    secret_end
    return 0
  fi
  set --
  secret_end
  ISCSI_LAST_ERROR=$(printf '%s' "${ISCSI_LAST_ERROR:-iscsistart gave up after ${ISCSI_LOGIN_S}s}" | tail -n 2 | tr '\n' ' ')
  return 1
}

# iscsi_lun_devices: ISCSI_DEVICES = "TARGET LUN=/dev/NAME ..." of every logged-in session's disks
# (from sysfs), for messages and the report.
iscsi_lun_devices() {
  ISCSI_DEVICES=''
  for _ild in /sys/class/iscsi_session/session*/device/target*/*:*:*:*/block/*; do
    [ -e "$_ild" ] || continue
    _ild_hctl=${_ild%/block/*} _ild_hctl=${_ild_hctl##*/}
    ISCSI_DEVICES="$ISCSI_DEVICES LUN${_ild_hctl##*:}=/dev/${_ild##*/}"
  done
  ISCSI_DEVICES=${ISCSI_DEVICES# }
}
