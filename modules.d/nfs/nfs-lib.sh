# NFS root of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash), sourced by the nfs feature's
# hooks. The forms (dracut.cmdline(7) and the kernel's nfsroot.rst):
#   root=nfs:[SERVER:]/PATH[:OPTIONS]      NFSv3 (unless OPTIONS say vers=)
#   root=nfs4:[SERVER:]/PATH[:OPTIONS]     NFSv4
#   root=/dev/nfs nfsroot=[SERVER:]/PATH[,OPTIONS]   the kernel's; no nfsroot=: the DHCP root-path, else
#                                          /tftpboot/%s
#   root=dhcp                              the DHCP lease's root-path (option 17), in one of the forms above
#                                          or [SERVER:]/PATH[:OPTIONS]
# SERVER an IPv4 address, a bracketed IPv6 one or a host name; without one, the DHCP lease's next-server
# (siaddr), then its server identifier. A "%s" in PATH is the client's IPv4 address. Values are checked
# against narrow character sets and passed as single arguments to mount.nfs (or busybox mount); nothing
# is eval-ed.

# where the root is mounted; one mount attempt's limit (a server that does not answer would hold mount.nfs
# for minutes); the pause between attempts
NFS_MOUNTPOINT=/sysroot
NFS_MOUNT_S=15
NFS_RETRY_S=3

_nfs_fail() { NFS_ERROR=$1; return 1; }

# nfs_valid_server TEXT: an IPv4 address, a bracketed IPv6 one or a host name (not all digits and dots); NFS_SERVER = it (brackets
# kept: mount.nfs wants them), NFS_SERVER_IP = the address without brackets (empty for a host name).
nfs_valid_server() {
  NFS_SERVER='' NFS_SERVER_IP=''
  case "$1" in
    \[*\]) net_valid_ip "$1" || return 1; NFS_SERVER=$1 NFS_SERVER_IP=$NET_IP ;;
    *)
      if net_valid_ipv4 "$1"; then NFS_SERVER=$1 NFS_SERVER_IP=$1
      elif case "$1" in *[!0-9.]*) false ;; esac; then return 1
      elif net_valid_hostname "$1"; then NFS_SERVER=$1
      else return 1; fi ;;
  esac
}

# nfs_valid_path TEXT: an absolute export path of [A-Za-z0-9_.,/+@%-], at most 1024 characters; a '%'
# only in "%s" (the client's address).
nfs_valid_path() {
  case "$1" in /*) ;; *) return 1 ;; esac
  case "$1" in *[!A-Za-z0-9_./+@%-]*) return 1 ;; esac
  _nvp=$1
  while :; do
    case "$_nvp" in
      *%*) _nvp=${_nvp#*%}; case "$_nvp" in s*) ;; *) return 1 ;; esac ;;
      *) break ;;
    esac
  done
  [ "${#1}" -le 1024 ]
}

# nfs_valid_options TEXT: a comma list of NAME or NAME=VALUE, of [A-Za-z0-9_.,=:/+-], no item starting
# with '-' (nothing mount.nfs could read as one of its own flags), at most 512 characters.
nfs_valid_options() {
  case "$1" in *[!A-Za-z0-9_.,=:/+-]*) return 1 ;; esac
  case ",$1" in *,-*) return 1 ;; esac
  [ "${#1}" -le 512 ]
}

# _nfs_split_server REST: REST is [SERVER:]/PATH... ; NFS_SERVER(_IP) and NFS_REST (from the '/' on).
_nfs_split_server() {
  NFS_SERVER='' NFS_SERVER_IP='' NFS_REST=$1
  case "$1" in
    /*) return 0 ;;
    \[*)
      case "$1" in *\]:/*) ;; *) _nfs_fail "'$1' is not [IPv6]:/PATH"; return 1 ;; esac
      _nss=${1%%\]:/*}]
      NFS_REST=/${1#*\]:/} ;;
    *:/*) _nss=${1%%:/*} NFS_REST=/${1#*:/} ;;
    *) _nfs_fail "'$1' has no absolute path (SERVER:/PATH or /PATH)"; return 1 ;;
  esac
  nfs_valid_server "$_nss" || { _nfs_fail "server '$_nss' is not an address or a host name"; return 1; }
}

# _nfs_options_of TEXT: check TEXT as an option list into NFS_OPTIONS.
_nfs_options_of() {
  NFS_OPTIONS=$1
  [ -n "$1" ] || return 0
  nfs_valid_options "$1" || { _nfs_fail "mount options '$1' are not valid (a comma list of NAME or NAME=VALUE)"; return 1; }
}

# nfs_parse_url KIND REST: REST of root=KIND: (KIND nfs or nfs4), [SERVER:]/PATH[:OPTIONS], into NFS_KIND,
# NFS_SERVER, NFS_SERVER_IP, NFS_PATH, NFS_OPTIONS; status 1 with NFS_ERROR. dracut's form; a ',' in
# the path starts the options too (the kernel's).
nfs_parse_url() {
  NFS_KIND=$1 NFS_PATH='' NFS_OPTIONS='' NFS_ERROR=''
  [ -n "$2" ] || { _nfs_fail "no path"; return 1; }
  case "$2" in *[!]A-Za-z0-9_.,=:/+@%[-]*) _nfs_fail "a character that no field of root=$1: has"; return 1 ;; esac
  _nfs_split_server "$2" || return 1
  NFS_PATH=${NFS_REST%%:*}
  case "$NFS_REST" in *:*) _npu_opts=${NFS_REST#*:} ;; *) _npu_opts='' ;; esac
  case "$NFS_PATH" in
    *,*) _npu_opts=${NFS_PATH#*,}${_npu_opts:+,$_npu_opts} NFS_PATH=${NFS_PATH%%,*} ;;
  esac
  nfs_valid_path "$NFS_PATH" || { _nfs_fail "path '$NFS_PATH' is not an absolute path of letters, digits and _.,/+@- (and %s)"; return 1; }
  _nfs_options_of "$_npu_opts"
}

# nfs_parse_nfsroot VALUE: the kernel's nfsroot=[SERVER:]/PATH[,OPTIONS] (NFS_KIND nfs).
nfs_parse_nfsroot() {
  NFS_KIND=nfs NFS_PATH='' NFS_OPTIONS='' NFS_ERROR=''
  [ -n "$1" ] || { _nfs_fail "empty value"; return 1; }
  case "$1" in *[!]A-Za-z0-9_.,=:/+@%[-]*) _nfs_fail "a character that no field of nfsroot= has"; return 1 ;; esac
  _nfs_split_server "$1" || return 1
  NFS_PATH=${NFS_REST%%,*}
  case "$NFS_REST" in *,*) _npn_opts=${NFS_REST#*,} ;; *) _npn_opts='' ;; esac
  nfs_valid_path "$NFS_PATH" || { _nfs_fail "path '$NFS_PATH' is not an absolute path of letters, digits and _.,/+@- (and %s)"; return 1; }
  _nfs_options_of "$_npn_opts"
}

# nfs_parse_rootpath VALUE: a DHCP root-path: nfs:…, nfs4:… or [SERVER:]/PATH[:OPTIONS] (NFSv3).
nfs_parse_rootpath() {
  case "$1" in
    nfs:*) nfs_parse_url nfs "${1#nfs:}" ;;
    nfs4:*) nfs_parse_url nfs4 "${1#nfs4:}" ;;
    /*|*:/*) nfs_parse_url nfs "$1" ;;
    *) NFS_ERROR="root-path '$1' is not an NFS path (nfs:, nfs4: or [SERVER:]/PATH)"; return 1 ;;
  esac
}

# nfs_read_cmdline: the NFS root asked for on the command line, checked once (cmdline stage). Sets
# NFS_ROOT (the form: nfs, nfs4, /dev/nfs or dhcp; empty when the root is not on NFS) and, from the
# command line, what it names (NFS_KIND, NFS_SERVER, NFS_PATH, NFS_OPTIONS; NFS_FROM_DHCP=1 when the
# root-path or the server come from the lease). Status 1 with NFS_ERROR naming the value.
nfs_read_cmdline() {
  NFS_ROOT='' NFS_FROM_DHCP='' NFS_ERROR='' NFS_KIND='' NFS_SERVER='' NFS_SERVER_IP='' NFS_PATH='' NFS_OPTIONS=''
  argval root
  _nrc_root=$ARGVAL
  case "$_nrc_root" in
    nfs:*|nfs4:*)
      NFS_ROOT=${_nrc_root%%:*}
      nfs_parse_url "$NFS_ROOT" "${_nrc_root#*:}" || { NFS_ERROR="root=$_nrc_root: $NFS_ERROR"; return 1; } ;;
    /dev/nfs)
      NFS_ROOT=/dev/nfs
      if argval nfsroot; then
        nfs_parse_nfsroot "$ARGVAL" || { NFS_ERROR="nfsroot=$ARGVAL: $NFS_ERROR"; return 1; }
      else
        # the lease's root-path when there is one, else the kernel's default
        NFS_KIND=nfs NFS_FROM_DHCP=1
      fi ;;
    dhcp) NFS_ROOT=dhcp NFS_FROM_DHCP=1 ;;
    *)
      if argval nfsroot; then NFS_ERROR="nfsroot=$ARGVAL is given but root= is not /dev/nfs"; return 1; fi
      return 0 ;;
  esac
  [ -n "$NFS_SERVER" ] || NFS_FROM_DHCP=1
  return 0
}

# nfs_lease_value KEY: NFS_LEASE_VALUE = KEY's value in the first lease of an interface that is up
# (/run/initramfs/net/lease.IFACE, written by the network feature's DHCP event script); status 1 when
# no lease has it.
nfs_lease_value() {
  NFS_LEASE_VALUE=''
  for _nlv_if in $NET_UP; do
    [ -r "$NET_DIR/lease.$_nlv_if" ] || continue
    while IFS= read -r _nlv_line; do
      case "$_nlv_line" in "$1="?*) NFS_LEASE_VALUE=${_nlv_line#*=}; return 0 ;; esac
    done <"$NET_DIR/lease.$_nlv_if"
  done
  return 1
}

# nfs_client_ip: NFS_CLIENT_IP = the first IPv4 address of an interface that is up (for "%s").
nfs_client_ip() {
  NFS_CLIENT_IP=''
  for _nci_if in $NET_UP; do
    # "2: eth0    inet 10.0.3.2/24 brd ..."
    set -f
    # shellcheck disable=SC2046 # split into words on purpose; globbing is off
    set -- $(ip -o -4 addr show dev "$_nci_if" 2>/dev/null)
    set +f
    while [ $# -gt 1 ]; do
      if [ "$1" = inet ]; then NFS_CLIENT_IP=${2%%/*}; return 0; fi
      shift
    done
  done
  return 1
}

# nfs_resolve: once the network is up, complete what the command line left to DHCP (the root-path,
# the server) and the "%s" in the path. Status 1 with NFS_ERROR when the lease does not say.
nfs_resolve() {
  NFS_ERROR=''
  if [ -n "$NFS_FROM_DHCP" ] && [ -z "$NFS_PATH" ]; then
    if nfs_lease_value rootpath; then
      _nr_rp=$NFS_LEASE_VALUE
      nfs_parse_rootpath "$_nr_rp" || { NFS_ERROR="DHCP root-path: $NFS_ERROR"; return 1; }
    elif [ "$NFS_ROOT" = /dev/nfs ]; then
      NFS_PATH=/tftpboot/%s
    else
      _nfs_fail "root=dhcp: the DHCP lease has no root-path (option 17)${NET_UP:+ on $NET_UP}"
      return 1
    fi
  fi
  if [ -z "$NFS_SERVER" ]; then
    for _nr_k in siaddr server; do
      nfs_lease_value "$_nr_k" || continue
      [ "$NFS_LEASE_VALUE" != 0.0.0.0 ] || continue
      nfs_valid_server "$NFS_LEASE_VALUE" && break
    done
    [ -n "$NFS_SERVER" ] || { _nfs_fail "no server in $NFS_PATH and none from DHCP (next-server, server identifier)"; return 1; }
  fi
  case "$NFS_PATH" in
    *%s*)
      nfs_client_ip || { _nfs_fail "'%s' in $NFS_PATH, but no IPv4 address on ${NET_UP:-any interface}"; return 1; }
      NFS_PATH=${NFS_PATH%%%s*}$NFS_CLIENT_IP${NFS_PATH#*%s} ;;
  esac
  return 0
}

# nfs_mount_options: NFS_MOUNT_OPTS, the options the root is mounted with, and NFS_VERSION (3 or 4 or
# what vers= says). ro unless the last of ro/rw (options first, then the command line) says rw;
# NFSv2/3 always nolock (locks would need rpc.statd, which does not survive switch_root: dracut does
# the same); vers=3 for nfs: unless OPTIONS name a version; mount.nfs gets retry=0 (one try: the
# initqueue retries).
nfs_mount_options() {
  _nmo_mode=ro _nmo_rest='' _nmo_vers='' _nmo_lock='' _nmo_retry=''
  _nmo_in=$NFS_OPTIONS,
  while [ -n "$_nmo_in" ]; do
    _nmo_o=${_nmo_in%%,*} _nmo_in=${_nmo_in#*,}
    case "$_nmo_o" in
      '') ;;
      ro|rw) _nmo_mode=$_nmo_o ;;
      lock|nolock) _nmo_lock=$_nmo_o ;;
      vers=*|nfsvers=*) _nmo_vers=${_nmo_o#*=} _nmo_rest="$_nmo_rest,$_nmo_o" ;;
      v3) _nmo_vers=3 _nmo_rest="$_nmo_rest,vers=3" ;;
      v4) _nmo_vers=4 _nmo_rest="$_nmo_rest,vers=4" ;;
      retry=*) _nmo_retry=1 _nmo_rest="$_nmo_rest,$_nmo_o" ;;
      *) _nmo_rest="$_nmo_rest,$_nmo_o" ;;
    esac
  done
  set -f
  for _nmo_w in $CMDLINE; do case "$_nmo_w" in ro|rw) _nmo_mode=$_nmo_w ;; esac; done
  set +f
  if [ -z "$_nmo_vers" ]; then
    if [ "$NFS_KIND" = nfs4 ]; then _nmo_vers=4; else _nmo_vers=3; fi
    _nmo_rest=",vers=$_nmo_vers$_nmo_rest"
  fi
  NFS_VERSION=$_nmo_vers
  case "$_nmo_vers" in
    2|3|3.*)
      [ "$_nmo_lock" != lock ] || warn "nfs: 'lock' is not supported for an NFSv$_nmo_vers root (rpc.statd would not survive switch_root): mounting with nolock"
      _nmo_lock=nolock ;;
  esac
  NFS_MOUNT_OPTS=$_nmo_mode$_nmo_rest${_nmo_lock:+,$_nmo_lock}
  [ -n "$_nmo_retry" ] || [ -z "$NFS_HAVE_MOUNT_NFS" ] || NFS_MOUNT_OPTS="$NFS_MOUNT_OPTS,retry=0"
}

# nfs_mount: one attempt to mount NFS_SERVER:NFS_PATH on NFS_MOUNTPOINT, bounded by NFS_MOUNT_S (15 s):
# with the sysroot's mount.nfs when the image has it (host names, the MOUNT protocol done for the
# kernel), else with busybox mount and the kernel's own options (addr= the server's address: a host
# name cannot be resolved for it). Status 0 mounted; 1 not (NFS_LAST_ERROR in the mounter's words).
nfs_mount() {
  NFS_HAVE_MOUNT_NFS=''
  command -v mount.nfs >/dev/null 2>&1 && NFS_HAVE_MOUNT_NFS=1
  nfs_mount_options
  # the version's own module (nfsv3, nfsv4) when it is one; the kernel would ask for it too
  case "$NFS_VERSION" in
    [234]|[234].*)
      if [ ! -e "/sys/module/nfsv${NFS_VERSION%%.*}" ]; then load_module "nfsv${NFS_VERSION%%.*}" || true; fi ;;
  esac
  if [ -n "$NFS_HAVE_MOUNT_NFS" ]; then
    set -- mount.nfs "$NFS_SERVER:$NFS_PATH" "$NFS_MOUNTPOINT" -o "$NFS_MOUNT_OPTS"
  else
    if [ -z "$NFS_SERVER_IP" ]; then
      NFS_LAST_ERROR="server $NFS_SERVER is a host name, and this image has no mount.nfs (nfs-common) to look it up: give its address"
      return 1
    fi
    _nm_type=nfs
    [ "$NFS_VERSION" != 4 ] && [ "${NFS_VERSION%%.*}" != 4 ] || _nm_type=nfs4
    set -- mount -t "$_nm_type" -o "$NFS_MOUNT_OPTS,addr=$NFS_SERVER_IP" "$NFS_SERVER:$NFS_PATH" "$NFS_MOUNTPOINT"
  fi
  if NFS_LAST_ERROR=$(timeout -s KILL "$NFS_MOUNT_S" "$@" 2>&1) && is_mounted "$NFS_MOUNTPOINT"; then
    return 0
  fi
  NFS_LAST_ERROR=$(printf '%s' "${NFS_LAST_ERROR:-$1 gave up after ${NFS_MOUNT_S}s}" | tail -n 2 | tr '\n' ' ')
  return 1
}
