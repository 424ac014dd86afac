# NBD root of the mkinitramfs-ts /init (POSIX sh), sourced by the nbd feature's hooks:
#   root=nbd:SERVER:PORT_OR_EXPORT[:FSTYPE[:FLAGS[:NBDOPTS]]]    (dracut's form)
# SERVER an IPv4 address, a bracketed IPv6 one or a host name; PORT_OR_EXPORT a port number, or an
# export name (on the default port 10809); FSTYPE the root's file system; FLAGS its mount options;
# NBDOPTS a comma list of nbd-client settings: timeout=SECONDS, bs=BYTES, connections=N, persist.
# Values are checked here and passed to nbd-client as single arguments; nothing is eval-ed.

NBD_DEVICE=/dev/nbd0
# one connection attempt's limit (an address where nothing answers would otherwise take minutes)
NBD_CONNECT_S=10

# nbd_parse VALUE (after "nbd:"): NBD_SERVER, NBD_PORT, NBD_EXPORT, NBD_FSTYPE, NBD_FLAGS and
# NBD_ARGS (nbd-client options, space separated words without spaces); status 1 with NBD_ERROR.
nbd_parse() {
  NBD_SERVER='' NBD_PORT=10809 NBD_EXPORT='' NBD_FSTYPE='' NBD_FLAGS='' NBD_ARGS='' NBD_ERROR=''
  _nbp_in=$1
  case "$_nbp_in" in
    \[*)
      case "$_nbp_in" in *\]*) ;; *) NBD_ERROR="unbalanced [ in the server address"; return 1 ;; esac
      _nbp_srv=${_nbp_in%%\]*}] _nbp_in=${_nbp_in#*\]}
      case "$_nbp_in" in :*|'') _nbp_in=${_nbp_in#:} ;; *) NBD_ERROR="':' expected after the server address"; return 1 ;; esac
      net_valid_ip "$_nbp_srv" || { NBD_ERROR="server '$_nbp_srv' is not an IPv6 address"; return 1; }
      NBD_SERVER=$NET_IP ;;
    *)
      _nbp_srv=${_nbp_in%%:*}
      case "$_nbp_in" in *:*) _nbp_in=${_nbp_in#*:} ;; *) _nbp_in='' ;; esac
      if net_valid_ipv4 "$_nbp_srv" || net_valid_hostname "$_nbp_srv"; then NBD_SERVER=$_nbp_srv
      else NBD_ERROR="server '$_nbp_srv' is not an address or a host name"; return 1; fi ;;
  esac
  case "$_nbp_in" in *[!A-Za-z0-9._/+=,:-]*) NBD_ERROR="a character that no field of root=nbd: has"; return 1 ;; esac
  _nbp_ifs=$IFS
  IFS=:
  set -f
  # shellcheck disable=SC2086 # split at ':' on purpose; globbing is off
  set -- $_nbp_in
  set +f
  IFS=$_nbp_ifs
  if ! { [ $# -ge 1 ] && [ -n "$1" ]; }; then NBD_ERROR="no port or export name after the server"; return 1; fi
  [ $# -le 4 ] || { NBD_ERROR="more fields than SERVER:PORT_OR_EXPORT:FSTYPE:FLAGS:NBDOPTS"; return 1; }
  case "$1" in
    *[!0-9]*)
      case "$1" in -*|*[!A-Za-z0-9._/+-]*) NBD_ERROR="export name '$1' is not valid"; return 1 ;; esac
      [ "${#1}" -le 255 ] || { NBD_ERROR="export name longer than 255 characters"; return 1; }
      NBD_EXPORT=$1 ;;
    *)
      if ! { seconds_of "$1" 65535 && [ "$SECS" -gt 0 ]; }; then NBD_ERROR="port '$1' is not a number from 1 to 65535"; return 1; fi
      NBD_PORT=$SECS ;;
  esac
  if [ -n "$2" ]; then
    case "$2" in -*|*[!A-Za-z0-9._+-]*) NBD_ERROR="file system type '$2' is not valid"; return 1 ;; esac
    NBD_FSTYPE=$2
  fi
  if [ -n "$3" ]; then
    case "$3" in -*|*[!A-Za-z0-9._/+=,-]*) NBD_ERROR="mount options '$3' are not valid"; return 1 ;; esac
    NBD_FLAGS=$3
  fi
  [ -n "$4" ] || return 0
  _nbp_opts=$4,
  while [ -n "$_nbp_opts" ]; do
    _nbp_o=${_nbp_opts%%,*} _nbp_opts=${_nbp_opts#*,}
    case "$_nbp_o" in
      '') ;;
      persist) NBD_ARGS="$NBD_ARGS -persist" ;;
      timeout=*|bs=*|connections=*)
        _nbp_v=${_nbp_o#*=}
        if ! { seconds_of "$_nbp_v" 65536 && [ "$SECS" -gt 0 ]; }; then NBD_ERROR="nbd option '$_nbp_o' needs a number"; return 1; fi
        case "$_nbp_o" in
          timeout=*) NBD_ARGS="$NBD_ARGS -timeout $SECS" ;;
          bs=*) NBD_ARGS="$NBD_ARGS -block-size $SECS" ;;
          *) NBD_ARGS="$NBD_ARGS -connections $SECS" ;;
        esac ;;
      *) NBD_ERROR="nbd option '$_nbp_o' is not one of timeout=, bs=, connections=, persist"; return 1 ;;
    esac
  done
  NBD_ARGS=${NBD_ARGS# }
}

# nbd_connect: one attempt to attach NBD_DEVICE to the server (bounded by NBD_CONNECT_S, default 10 s).
# Status 0 attached; 1 not (NBD_LAST_ERROR says why, in nbd-client's words).
nbd_connect() {
  set -f
  # shellcheck disable=SC2086 # NBD_ARGS: checked words without spaces
  set -- "$NBD_SERVER" "$NBD_PORT" "$NBD_DEVICE" -systemd-mark $NBD_ARGS
  set +f
  [ -z "$NBD_EXPORT" ] || set -- "$@" -name "$NBD_EXPORT"
  if NBD_LAST_ERROR=$(timeout "$NBD_CONNECT_S" nbd-client "$@" 2>&1); then
    return 0
  fi
  NBD_LAST_ERROR=$(printf '%s' "${NBD_LAST_ERROR:-nbd-client gave up after ${NBD_CONNECT_S}s}" | tail -n 2 | tr '\n' ' ')
  return 1
}
