# The network of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash), sourced by the network
# feature's hooks. dracut's command line: ip=, ifname=, nameserver=, rd.neednet=, rd.net.timeout.dhcp=.
# Every value is untrusted: it is split and checked against a narrow character set here, never eval-ed,
# and only passed as one quoted argument to `ip` and `udhcpc` once it is valid.

NET_DIR=/run/initramfs/net
NET_DHCP_SCRIPT=/lib/mkinitramfs-ts/udhcpc.script
# how long a link may take to report a carrier; DHCP's default wait (rd.net.timeout.dhcp= sets it); how
# long an IPv6 address may stay in duplicate address detection (rd.net.timeout.ipv6dad=)
NET_CARRIER_S=5
NET_DHCP_DEFAULT_S=30
NET_DAD_S=10

# net_valid_ipv4 TEXT: four decimal numbers 0-255 joined by dots, no leading zeros.
net_valid_ipv4() {
  case "$1" in ''|*[!0-9.]*|.*|*.|*..*) return 1 ;; esac
  _n4_rest=$1.
  _n4_count=0
  while [ -n "$_n4_rest" ]; do
    _n4_part=${_n4_rest%%.*} _n4_rest=${_n4_rest#*.}
    case "$_n4_part" in 0) ;; 0*) return 1 ;; esac
    [ "${#_n4_part}" -le 3 ] && [ "$_n4_part" -le 255 ] || return 1
    _n4_count=$((_n4_count + 1))
  done
  [ "$_n4_count" -eq 4 ]
}

# net_valid_ipv6 TEXT: an IPv6 address (without brackets): hex digits, colons and a dotted IPv4 tail
# only, at least two colons, at most one "::", at most 45 characters. The kernel checks the rest.
net_valid_ipv6() {
  case "$1" in ''|*[!0-9A-Fa-f:.]*|*:::*|*::*::*) return 1 ;; esac
  case "$1" in *:*:*) ;; *) return 1 ;; esac
  [ "${#1}" -le 45 ]
}

# net_valid_ip TEXT: IPv4, or IPv6 in brackets; sets NET_IP (brackets removed) and NET_FAMILY (4|6).
# Both are left as they were when TEXT is not an address.
net_valid_ip() {
  case "$1" in
    \[*\]) _nvi=${1#\[} _nvi=${_nvi%\]}; net_valid_ipv6 "$_nvi" || return 1; NET_IP=$_nvi NET_FAMILY=6 ;;
    *) net_valid_ipv4 "$1" || return 1; NET_IP=$1 NET_FAMILY=4 ;;
  esac
}

# net_valid_ifname NAME: a kernel interface name: 1-15 of [A-Za-z0-9_.-], not starting with '-', not . or ..
net_valid_ifname() {
  case "$1" in ''|-*|.|..|*[!A-Za-z0-9_.-]*) return 1 ;; esac
  [ "${#1}" -le 15 ]
}

# net_valid_hostname NAME: letters, digits, '-' and '.', 1-64 characters, not starting with '-' or '.'.
net_valid_hostname() {
  case "$1" in ''|-*|.*|*[!A-Za-z0-9.-]*) return 1 ;; esac
  [ "${#1}" -le 64 ]
}

# net_valid_mac TEXT: six pairs of hex digits joined by ':'; NET_MAC = it in lower case.
net_valid_mac() {
  NET_MAC=''
  case "$1" in
    [0-9A-Fa-f][0-9A-Fa-f]:[0-9A-Fa-f][0-9A-Fa-f]:[0-9A-Fa-f][0-9A-Fa-f]:[0-9A-Fa-f][0-9A-Fa-f]:[0-9A-Fa-f][0-9A-Fa-f]:[0-9A-Fa-f][0-9A-Fa-f]) ;;
    *) return 1 ;;
  esac
  # lower case without a fork: one letter at a time
  _nm_in=$1
  while [ -n "$_nm_in" ]; do
    _nm_c=${_nm_in%"${_nm_in#?}"} _nm_in=${_nm_in#?}
    case "$_nm_c" in
      A) _nm_c=a ;; B) _nm_c=b ;; C) _nm_c=c ;; D) _nm_c=d ;; E) _nm_c=e ;; F) _nm_c=f ;;
    esac
    NET_MAC="$NET_MAC$_nm_c"
  done
}

# net_prefix MASK FAMILY: NET_PREFIX = the prefix length of MASK (a dotted IPv4 netmask, or a decimal
# prefix length up to 32 or 128); status 1 when it is neither (or the dotted mask has holes).
net_prefix() {
  NET_PREFIX=''
  case "$1" in
    *.*)
      [ "$2" = 4 ] && net_valid_ipv4 "$1" || return 1
      _np_rest=$1. _np_bits=0 _np_end=''
      while [ -n "$_np_rest" ]; do
        _np_oct=${_np_rest%%.*} _np_rest=${_np_rest#*.}
        case "$_np_oct" in
          255) [ -z "$_np_end" ] || return 1; _np_bits=$((_np_bits + 8)) ;;
          0) _np_end=1 ;;
          254|252|248|240|224|192|128)
            [ -z "$_np_end" ] || return 1
            case "$_np_oct" in 254) _np_b=7 ;; 252) _np_b=6 ;; 248) _np_b=5 ;; 240) _np_b=4 ;; 224) _np_b=3 ;; 192) _np_b=2 ;; *) _np_b=1 ;; esac
            _np_bits=$((_np_bits + _np_b)) _np_end=1 ;;
          *) return 1 ;;
        esac
      done
      NET_PREFIX=$_np_bits ;;
    *)
      if [ "$2" = 6 ]; then _np_max=128; else _np_max=32; fi
      seconds_of "$1" "$_np_max" || return 1
      NET_PREFIX=$SECS ;;
  esac
}

# _net_mask_brackets VALUE: NET_MASKED = VALUE with every ':' inside [...] turned into '_', so that it
# splits at ':' into its fields; status 1 when a bracket is unbalanced or holds anything but an IPv6
# address's characters.
_net_mask_brackets() {
  _nf_in=$1 NET_MASKED=''
  while :; do
    case "$_nf_in" in
      *\[*)
        _nf_pre=${_nf_in%%\[*} _nf_in=${_nf_in#*\[}
        case "$_nf_pre" in *\]*) return 1 ;; esac
        case "$_nf_in" in *\]*) ;; *) return 1 ;; esac
        _nf_addr=${_nf_in%%\]*} _nf_in=${_nf_in#*\]}
        case "$_nf_addr" in ''|*[!0-9A-Fa-f:.]*) return 1 ;; esac
        # inside brackets ':' becomes '_' (which no valid field holds elsewhere outside an ifname)
        _nf_out=''
        while :; do
          case "$_nf_addr" in
            *:*) _nf_out="$_nf_out${_nf_addr%%:*}_" _nf_addr=${_nf_addr#*:} ;;
            *) _nf_out="$_nf_out$_nf_addr"; break ;;
          esac
        done
        NET_MASKED="$NET_MASKED${_nf_pre}[$_nf_out]" ;;
      *)
        case "$_nf_in" in *\]*) return 1 ;; esac
        NET_MASKED="$NET_MASKED$_nf_in"
        return 0 ;;
    esac
  done
}

# _net_unmask FIELD: NET_FIELD = FIELD with the '_' inside [...] turned back into ':'.
_net_unmask() {
  NET_FIELD=$1
  case "$1" in
    \[*\])
      _nu_in=$1 NET_FIELD=''
      while :; do
        case "$_nu_in" in
          *_*) NET_FIELD="$NET_FIELD${_nu_in%%_*}:" _nu_in=${_nu_in#*_} ;;
          *) NET_FIELD="$NET_FIELD$_nu_in"; break ;;
        esac
      done ;;
  esac
}

_net_fail() { NET_ERROR=$1; return 1; }

# net_parse_ip VALUE: one ip= value, in one of dracut's forms:
#   dhcp | on | any | dhcp6 | off | none
#   IFACE:{dhcp|on|any|dhcp6|off|none}[:[MTU][:MAC]]
#   CLIENT:[PEER]:GW:NETMASK:HOSTNAME:IFACE:{none|off|dhcp|on|any|dhcp6}[:[MTU][:MAC]]
#   CLIENT:[PEER]:GW:NETMASK:HOSTNAME:IFACE:{none|off|dhcp|on|any|dhcp6}[:[DNS1][:DNS2]]
# (IPv6 addresses in brackets; NETMASK dotted or a prefix length). Sets NET_METHOD (dhcp, dhcp6, static,
# off), NET_IFACE (empty: any interface), NET_ADDR, NET_PEER, NET_GW, NET_PREFIX, NET_FAMILY, NET_HOST,
# NET_MTU, NET_MAC, NET_DNS1, NET_DNS2; status 1 and NET_ERROR (what is wrong) when it is not valid.
# An empty or missing METHOD in the long form is dhcp, as in dracut, with NET_WARNING saying so.
net_parse_ip() {
  NET_METHOD='' NET_IFACE='' NET_ADDR='' NET_PEER='' NET_GW='' NET_PREFIX='' NET_FAMILY='' NET_HOST='' NET_MTU='' NET_MAC=''
  NET_DNS1='' NET_DNS2='' NET_ERROR='' NET_WARNING='' _npi_value=$1
  case "$1" in
    '') _net_fail "empty value"; return 1 ;;
    *[!]A-Za-z0-9_.:[-]*) _net_fail "a character that no ip= field has"; return 1 ;;
  esac
  [ "${#1}" -le 256 ] || { _net_fail "longer than 256 characters"; return 1; }
  _net_mask_brackets "$1" || { _net_fail "an unbalanced [ ] or a bracket that holds no IPv6 address"; return 1; }
  _npi_ifs=$IFS
  IFS=:
  set -f
  # shellcheck disable=SC2086 # split at ':' on purpose; globbing is off
  set -- $NET_MASKED
  set +f
  IFS=$_npi_ifs
  if [ $# -eq 1 ]; then
    _net_method "$1" || return 1
    return 0
  fi
  if _net_is_method "$2"; then
    # IFACE:METHOD[:MTU[:MAC]]
    net_valid_ifname "$1" || { _net_fail "interface name '$1' is not valid"; return 1; }
    NET_IFACE=$1
    _net_method "$2" || return 1
    shift 2
    _net_mtu_mac "$@" || return 1
    return 0
  fi
  [ $# -ge 6 ] || { _net_fail "not one of dracut's forms (dhcp, IFACE:dhcp, CLIENT:PEER:GW:NETMASK:HOSTNAME:IFACE:METHOD)"; return 1; }
  _npi_client=$1 _npi_peer=$2 _npi_gw=$3 _npi_mask=$4 _npi_host=$5 _npi_iface=$6 _npi_method=${7-}
  if [ $# -ge 7 ]; then shift 7; else shift 6; fi
  if [ -z "$_npi_method" ]; then
    # dracut.cmdline(7): an empty or missing autoconf method means dhcp (dracut warns too)
    NET_WARNING="ip=$_npi_value: no method in the 7th field: using dhcp, as dracut does"
    _npi_method=dhcp
  fi
  _net_method "$_npi_method" || return 1
  if [ -n "$_npi_iface" ]; then
    net_valid_ifname "$_npi_iface" || { _net_fail "interface name '$_npi_iface' is not valid"; return 1; }
    NET_IFACE=$_npi_iface
  fi
  if [ -n "$_npi_host" ]; then
    net_valid_hostname "$_npi_host" || { _net_fail "hostname '$_npi_host' is not valid"; return 1; }
    NET_HOST=$_npi_host
  fi
  if [ "$NET_METHOD" = off ] && [ -n "$_npi_client" ]; then NET_METHOD=static; fi
  if [ "$NET_METHOD" = static ]; then
    _net_unmask "$_npi_client"
    net_valid_ip "$NET_FIELD" || { _net_fail "client address '$NET_FIELD' is not an IPv4 address or a bracketed IPv6 one"; return 1; }
    NET_ADDR=$NET_IP
    [ -n "$NET_IFACE" ] || { _net_fail "a static address needs the interface name (6th field)"; return 1; }
    [ -n "$_npi_mask" ] || { _net_fail "a static address needs the netmask (4th field)"; return 1; }
    _net_unmask "$_npi_mask"
    _npi_m=$NET_FIELD
    case "$_npi_m" in \[*\]) _npi_m=${_npi_m#\[} _npi_m=${_npi_m%\]} ;; esac
    net_prefix "$_npi_m" "$NET_FAMILY" || { _net_fail "netmask '$NET_FIELD' is not a netmask or prefix length of an IPv$NET_FAMILY address"; return 1; }
    if [ -n "$_npi_gw" ]; then
      _net_unmask "$_npi_gw"
      _npi_fam=$NET_FAMILY
      if ! { net_valid_ip "$NET_FIELD" && [ "$NET_FAMILY" = "$_npi_fam" ]; }; then _net_fail "gateway '$NET_FIELD' is not an IPv$_npi_fam address"; return 1; fi
      NET_GW=$NET_IP NET_FAMILY=$_npi_fam
    fi
    if [ -n "$_npi_peer" ]; then
      _net_unmask "$_npi_peer"
      _npi_fam=$NET_FAMILY
      if ! { net_valid_ip "$NET_FIELD" && [ "$NET_FAMILY" = "$_npi_fam" ]; }; then _net_fail "peer '$NET_FIELD' is not an IPv$_npi_fam address"; return 1; fi
      NET_PEER=$NET_IP NET_FAMILY=$_npi_fam
    fi
  fi
  [ $# -gt 0 ] || return 0
  # 8th field: an address (then DNS1[:DNS2]), an MTU (then MAC), or empty before DNS2 (:none::DNS2)
  _npi_fam=$NET_FAMILY _npi_ip=$NET_IP
  _net_unmask "$1"
  _npi_dns1=$NET_FIELD
  _net_unmask "${2-}"
  _npi_dns2=$NET_FIELD
  if { [ -n "$1" ] && net_valid_ip "$_npi_dns1"; } || { [ -z "$1" ] && [ $# -eq 2 ] && net_valid_ip "$_npi_dns2"; }; then
    [ -z "$1" ] || { net_valid_ip "$_npi_dns1"; NET_DNS1=$NET_IP; }
    if [ -n "${2-}" ]; then net_valid_ip "$_npi_dns2" || { _net_fail "DNS server '$_npi_dns2' is not an address"; return 1; }; NET_DNS2=$NET_IP; fi
    # the DNS servers' family says nothing about the interface's address
    NET_FAMILY=$_npi_fam NET_IP=$_npi_ip
    [ $# -le 2 ] || { _net_fail "fields after DNS2"; return 1; }
    return 0
  fi
  NET_FAMILY=$_npi_fam NET_IP=$_npi_ip
  _net_mtu_mac "$@"
}

# _net_is_method WORD: an autoconf method of ip=.
_net_is_method() {
  case "$1" in dhcp|on|any|dhcp6|off|none|auto6|either6|link6|ibft|single-dhcp|link-local) return 0 ;; *) return 1 ;; esac
}

# _net_method WORD: NET_METHOD from an autoconf method; the ones this image cannot do are errors.
_net_method() {
  case "$1" in
    dhcp|on|any) NET_METHOD=dhcp ;;
    dhcp6) NET_METHOD=dhcp6 ;;
    off|none) NET_METHOD=off ;;
    auto6|either6|link6|ibft|single-dhcp|link-local) _net_fail "method '$1' is not supported by this image (dhcp, dhcp6, none/off are)"; return 1 ;;
    *) _net_fail "'$1' is not a method (dhcp, on, any, dhcp6, none, off)"; return 1 ;;
  esac
}

# _net_mtu_mac [MTU [MAC PARTS...]]: NET_MTU (68-65536) and NET_MAC from the fields after the method.
_net_mtu_mac() {
  [ $# -gt 0 ] || return 0
  if [ -n "$1" ]; then
    if ! { seconds_of "$1" 65536 && [ "$SECS" -ge 68 ]; }; then _net_fail "MTU '$1' is not a number from 68 to 65536"; return 1; fi
    NET_MTU=$SECS
  fi
  shift
  [ $# -gt 0 ] || return 0
  _nmm=$1
  shift
  for _nmm_p; do _nmm="$_nmm:$_nmm_p"; done
  [ -z "$_nmm" ] && return 0
  net_valid_mac "$_nmm" || { _net_fail "MAC address '$_nmm' is not six hex pairs"; return 1; }
}

# net_parse_ifname VALUE: ifname=NAME:MAC into NET_IFACE and NET_MAC (lower case); status 1 and NET_ERROR.
net_parse_ifname() {
  NET_IFACE='' NET_MAC='' NET_ERROR=''
  case "$1" in *:*) ;; *) _net_fail "not NAME:MAC"; return 1 ;; esac
  net_valid_ifname "${1%%:*}" || { _net_fail "interface name '${1%%:*}' is not valid"; return 1; }
  net_valid_mac "${1#*:}" || { _net_fail "MAC address '${1#*:}' is not six hex pairs"; return 1; }
  NET_IFACE=${1%%:*}
}

# net_parse_nameserver VALUE: an IPv4 or IPv6 address (brackets optional) into NET_IP.
net_parse_nameserver() {
  NET_ERROR=''
  case "$1" in
    \[*\]) net_valid_ip "$1" ;;
    *:*) net_valid_ipv6 "$1" && NET_IP=$1 NET_FAMILY=6 ;;
    *) net_valid_ipv4 "$1" && NET_IP=$1 NET_FAMILY=4 ;;
  esac || { _net_fail "not an IPv4 or IPv6 address"; return 1; }
}

# net_values KEY: NET_VALUES = every value of KEY on the command line, one a line (no comma split:
# ip= values never hold commas, and a value is kept whole).
net_values() {
  NET_VALUES=''
  set -f
  for _nv_w in $CMDLINE; do
    case "$_nv_w" in "$1="*) NET_VALUES="$NET_VALUES${_nv_w#"$1="}
" ;; esac
  done
  set +f
  [ -n "$NET_VALUES" ]
}

# net_read_cmdline: check every network argument once (cmdline stage). Sets NET_WANTED (1 when the root
# is on the network or rd.neednet=1), NET_DHCP_TIMEOUT_S, NET_CARRIER_S (rd.net.timeout.carrier=), NET_DAD_S
# (rd.net.timeout.ipv6dad=) and
# NET_WARNINGS (one a line: what was read other than written, as dracut reads it); an invalid value is an error (NET_ERROR names
# it; status 1): a network boot with a configuration other than the one asked for is worse than none.
net_read_cmdline() {
  NET_WANTED='' NET_ERROR=''
  argval root
  case "$ARGVAL" in nbd:*|nfs:*|nfs4:*|/dev/nfs|dhcp) NET_WANTED=1 ;; esac
  # netroot=iscsi: may hold CHAP secrets: never traced (the iscsi feature also wants the network for rd.iscsi.*)
  secret_begin; argval netroot && case "$ARGVAL" in iscsi:*|nbd:*) NET_WANTED=1 ;; esac; ARGVAL=''; secret_end
  getargbool 0 rd.neednet && NET_WANTED=1
  NET_DHCP_TIMEOUT_S=$NET_DHCP_DEFAULT_S NET_WARNINGS=''
  if argval rd.net.timeout.dhcp; then
    if ! { seconds_of "$ARGVAL" 3600 && [ "$SECS" -gt 0 ]; }; then NET_ERROR="rd.net.timeout.dhcp=$ARGVAL: not a number of seconds from 1 to 3600"; return 1; fi
    NET_DHCP_TIMEOUT_S=$SECS
  fi
  if argval rd.net.timeout.carrier; then
    seconds_of "$ARGVAL" 3600 || { NET_ERROR="rd.net.timeout.carrier=$ARGVAL: not a number of seconds from 0 to 3600"; return 1; }
    NET_CARRIER_S=$SECS
  fi
  if argval rd.net.timeout.ipv6dad; then
    seconds_of "$ARGVAL" 3600 || { NET_ERROR="rd.net.timeout.ipv6dad=$ARGVAL: not a number of seconds from 0 to 3600"; return 1; }
    NET_DAD_S=$SECS
  fi
  for _nrc_key in ip ifname nameserver; do
    net_values "$_nrc_key" || continue
    while IFS= read -r _nrc_v; do
      [ -n "$_nrc_v" ] || continue
      case "$_nrc_key" in
        ip) net_parse_ip "$_nrc_v" ;;
        ifname) net_parse_ifname "$_nrc_v" ;;
        nameserver) net_parse_nameserver "$_nrc_v" ;;
      esac || { NET_ERROR="$_nrc_key=$_nrc_v: $NET_ERROR"; return 1; }
      [ "$_nrc_key" != ip ] || [ -z "$NET_WARNING" ] || NET_WARNINGS="$NET_WARNINGS$NET_WARNING
"
    done <<EOF
$NET_VALUES
EOF
  done
  return 0
}

# --- bring-up (initqueue, and pre-mount for rd.neednet=1) ----------------------------------------------
# Interface names come from the kernel, which allows any byte but '/', ':' and blanks: every loop over
# them runs with globbing off (set -f), and they are only ever passed as one quoted argument.

# net_links: NET_LINKS = the network cards (an interface with a device behind it), which bring-up may
# pick on its own; NET_ALL_LINKS = every interface but lo (bridges, veth, tun, bonds: used only when
# ip= or ifname= names them).
net_links() {
  NET_LINKS='' NET_ALL_LINKS=''
  for _nl in /sys/class/net/*; do
    [ -e "$_nl" ] || continue
    _nl=${_nl##*/}
    [ "$_nl" = lo ] && continue
    NET_ALL_LINKS="$NET_ALL_LINKS $_nl"
    [ -e "/sys/class/net/$_nl/device" ] && NET_LINKS="$NET_LINKS $_nl"
  done
  NET_LINKS=${NET_LINKS# } NET_ALL_LINKS=${NET_ALL_LINKS# }
}

# net_rename_links: ifname=NAME:MAC gives the interface with that address the name NAME.
net_rename_links() {
  net_values ifname || return 0
  set -f
  while IFS= read -r _nr_v; do
    if [ -z "$_nr_v" ] || ! net_parse_ifname "$_nr_v"; then continue; fi
    [ -e "/sys/class/net/$NET_IFACE" ] && continue
    for _nr_l in $NET_ALL_LINKS; do
      read -r _nr_a <"/sys/class/net/$_nr_l/address" 2>/dev/null || continue
      [ "$_nr_a" = "$NET_MAC" ] || continue
      ip link set dev "$_nr_l" down 2>/dev/null
      ip link set dev "$_nr_l" name "$NET_IFACE" && info "network: $_nr_l is now $NET_IFACE (ifname=$_nr_v)"
    done
  done <<END
$NET_VALUES
END
  set +f
  net_links
}

# net_carrier IFACE: the link has a carrier now.
net_carrier() {
  _nca=''
  read -r _nca <"/sys/class/net/$1/carrier" 2>/dev/null
  [ "$_nca" = 1 ]
}

# net_link_prepare IFACE: set it up, with NET_MTU and NET_MAC when the ip= in effect gives them.
# What is set already is left alone (most drivers refuse a MAC address change while the link is up).
net_link_prepare() {
  if [ -n "$NET_MAC" ]; then
    _nlp=''
    read -r _nlp <"/sys/class/net/$1/address" 2>/dev/null
    [ "$_nlp" = "$NET_MAC" ] || ip link set dev "$1" address "$NET_MAC" || { NET_ERROR="$1: cannot set its MAC address to $NET_MAC"; return 1; }
  fi
  if [ -n "$NET_MTU" ]; then
    _nlp=''
    read -r _nlp <"/sys/class/net/$1/mtu" 2>/dev/null
    [ "$_nlp" = "$NET_MTU" ] || ip link set dev "$1" mtu "$NET_MTU" || { NET_ERROR="$1: cannot set MTU $NET_MTU"; return 1; }
  fi
  ip link set dev "$1" up || { NET_ERROR="$1: cannot set the link up"; return 1; }
}

# net_wait_carrier IFACE: wait up to NET_CARRIER_S seconds (rd.net.timeout.carrier=, default 5) for a
# carrier; status 1, with NET_ERROR, when it has none.
net_wait_carrier() {
  IFS=. read -r _nwc_start _ </proc/uptime
  until net_carrier "$1"; do
    IFS=. read -r _nwc_now _ </proc/uptime
    if [ $((_nwc_now - _nwc_start)) -ge "$NET_CARRIER_S" ]; then
      NET_ERROR="$1: no link (no carrier after ${NET_CARRIER_S}s: is the cable in? rd.net.timeout.carrier=)"
      return 1
    fi
    nap 0.1
  done
}

# net_route_via IFACE DEST GW: a route to DEST (default, or ADDR/LEN) through GW on IFACE. A gateway
# outside IFACE's subnets (a /32 lease, a cloud's off-link router) first gets an on-link host route, which
# the kernel needs before it accepts a route through it. `replace`: a second try after the emergency
# shell finds the routes of the first and must not fail on them.
net_route_via() {
  ip route replace "$2" via "$3" dev "$1" 2>/dev/null && return 0
  ip route replace "$3" dev "$1" scope link && ip route replace "$2" via "$3" dev "$1"
}

# net_configure IFACE: apply the parsed ip= spec (NET_METHOD ...) to IFACE; status 1 with NET_ERROR.
net_configure() {
  net_link_prepare "$1" && net_wait_carrier "$1" || return 1
  case "$NET_METHOD" in
    static)
      # replace, not add: the address may be there from a try before the emergency shell (EEXIST)
      if [ -n "$NET_PEER" ]; then
        ip addr replace "$NET_ADDR/$NET_PREFIX" peer "$NET_PEER" dev "$1"
      else
        ip addr replace "$NET_ADDR/$NET_PREFIX" dev "$1"
      fi || { NET_ERROR="$1: cannot add address $NET_ADDR/$NET_PREFIX"; return 1; }
      if [ -n "$NET_GW" ]; then
        net_route_via "$1" default "$NET_GW" || { NET_ERROR="$1: cannot add the default route via $NET_GW"; return 1; }
      fi
      info "network: $1 $NET_ADDR/$NET_PREFIX${NET_GW:+ via $NET_GW} (static)" ;;
    dhcp)
      # udhcpc, or the sysroot's client (net-dhcp.sh); nothing stays running afterwards, so nothing is
      # left to kill before switch_root (and nothing renews the lease after it: see modules.d/README.md)
      command -v net_dhcp >/dev/null || . /lib/mkinitramfs-ts/net-dhcp.sh
      net_dhcp "$1" || return 1 ;;
    dhcp6)
      command -v net_dhcp >/dev/null || . /lib/mkinitramfs-ts/net-dhcp.sh
      net_dhcp "$1" 6 || return 1 ;;
    *) NET_ERROR="$1: method $NET_METHOD"; return 1 ;;
  esac
  [ -z "$NET_HOST" ] || hostname "$NET_HOST" 2>/dev/null || true
  _nc_dns=''
  for _nc_d in $NET_DNS1 $NET_DNS2; do _nc_dns="${_nc_dns}nameserver $_nc_d
"; done
  [ -z "$_nc_dns" ] || printf '%s' "$_nc_dns" >"$NET_DIR/dns.$1"
  return 0
}

# net_write_resolv: /etc/resolv.conf from nameserver= first, then each interface's (ip= or DHCP), then
# DHCPv6's.
net_write_resolv() {
  {
    if net_values nameserver; then
      while IFS= read -r _nw_v; do
        [ -n "$_nw_v" ] && net_parse_nameserver "$_nw_v" && printf 'nameserver %s\n' "$NET_IP"
      done <<END
$NET_VALUES
END
    fi
    for _nw_f in "$NET_DIR"/dns.* "$NET_DIR"/dns6.*; do [ -r "$_nw_f" ] && cat "$_nw_f"; done
  } >/etc/resolv.conf
}

# _net_candidates: NET_CANDIDATES = the interfaces the parsed ip= may use (its named one, else every
# network card); status 1 with NET_WAIT when the named one does not exist (yet).
_net_candidates() {
  if [ -z "$NET_IFACE" ]; then
    NET_CANDIDATES=$NET_LINKS
    return 0
  fi
  NET_CANDIDATES=$NET_IFACE
  [ -e "/sys/class/net/$NET_IFACE" ] && return 0
  NET_WAIT="interface $NET_IFACE (named by ip=$_nb_v) did not appear (there are: ${NET_ALL_LINKS:-none})"
  return 1
}

# net_bring_up: apply every ip= (ip=dhcp when none) once. Status 0: NET_UP holds the interfaces now
# configured (NET_FAILED why the others are not); 1: not yet, try again next round (no network card
# yet, or an interface ip= names has not appeared: NET_WAIT says which); 2: tried, nothing came up
# (NET_FAILED says why). Every link is set up first and their carriers are awaited together, within
# NET_CARRIER_S in all; then the ip= that names no interface takes the first card with a carrier.
net_bring_up() {
  NET_UP='' NET_FAILED='' NET_WAIT=''
  net_links
  if [ -z "$NET_LINKS" ] && [ -z "$NET_ALL_LINKS" ]; then NET_WAIT="no network interface appeared"; return 1; fi
  # every NIC driver coldplug started has finished probing: all of its interfaces exist
  coldplug_wait
  net_links
  net_rename_links
  net_values ip || NET_VALUES=dhcp
  set -f
  # 1: every ip='s interfaces exist; set them up (carriers come in parallel)
  _nb_all=''
  while IFS= read -r _nb_v; do
    if [ -z "$_nb_v" ] || ! net_parse_ip "$_nb_v"; then continue; fi
    [ "$NET_METHOD" != off ] || continue
    _net_candidates || { set +f; return 1; }
    if [ -z "$NET_CANDIDATES" ]; then
      NET_WAIT="no network card appeared (only virtual interfaces: $NET_ALL_LINKS; name one with ip=IFACE:dhcp to use it)"
      set +f
      return 1
    fi
    for _nb_if in $NET_CANDIDATES; do
      case " $_nb_all " in *" $_nb_if "*) ;; *) _nb_all="$_nb_all $_nb_if"; net_link_prepare "$_nb_if" 2>/dev/null ;; esac
    done
  done <<END
$NET_VALUES
END
  mkdir -p "$NET_DIR"
  ip link set dev lo up 2>/dev/null
  # 2: wait until each ip= has a link with a carrier, or NET_CARRIER_S is over
  IFS=. read -r _nb_start _ </proc/uptime
  while :; do
    _nb_ready=1
    while IFS= read -r _nb_v; do
      if [ -z "$_nb_v" ] || ! net_parse_ip "$_nb_v"; then continue; fi
      [ "$NET_METHOD" != off ] || continue
      _net_candidates
      _nb_has=''
      for _nb_if in $NET_CANDIDATES; do net_carrier "$_nb_if" && _nb_has=1 && break; done
      [ -n "$_nb_has" ] || { _nb_ready=''; break; }
    done <<END
$NET_VALUES
END
    [ -n "$_nb_ready" ] && break
    IFS=. read -r _nb_now _ </proc/uptime
    [ $((_nb_now - _nb_start)) -lt "$NET_CARRIER_S" ] || break
    nap 0.1
  done
  # 3: configure, one ip= after the other, on the links with a carrier
  while IFS= read -r _nb_v; do
    if [ -z "$_nb_v" ] || ! net_parse_ip "$_nb_v"; then continue; fi
    [ "$NET_METHOD" != off ] || continue
    _net_candidates
    _nb_done='' _nb_tried=''
    for _nb_if in $NET_CANDIDATES; do
      net_carrier "$_nb_if" || continue
      _nb_tried=1
      if net_configure "$_nb_if"; then
        NET_UP="$NET_UP $_nb_if" _nb_done=1
        break
      fi
      NET_FAILED="$NET_FAILED; $NET_ERROR"
    done
    [ -n "$_nb_done" ] || [ -n "$_nb_tried" ] || NET_FAILED="$NET_FAILED; ip=$_nb_v: no link on ${NET_CANDIDATES:-any interface} (no carrier after ${NET_CARRIER_S}s: is the cable in? rd.net.timeout.carrier=)"
  done <<END
$NET_VALUES
END
  set +f
  NET_UP=${NET_UP# } NET_FAILED=${NET_FAILED#; }
  net_write_resolv
  printf '%s\n' "$NET_UP" >"$NET_DIR/up"
  if [ -n "$NET_UP" ]; then return 0; fi
  [ -n "$NET_FAILED" ] || NET_FAILED="no ip= applies to the interfaces ${NET_ALL_LINKS:-none}"
  return 2
}

# net_round: one try of the wait for root (the initqueue hook; the pre-mount hook while the root is
# there before the network). NET_START is when the first try began; a failed try is repeated after 3 s
# (a DHCP server may come back), a try that found no interface yet in the next round.
net_round() {
  [ -n "$NET_WANTED" ] && [ -z "$NET_UP" ] || return 0
  IFS=. read -r _nro_now _ </proc/uptime
  [ -n "$NET_START" ] || NET_START=$_nro_now
  [ "$_nro_now" -ge "${NET_NEXT_TRY:-0}" ] || return 0
  net_bring_up
  case $? in
    0) [ -z "$NET_FAILED" ] || warn "network: up on $NET_UP; not on: $NET_FAILED" ;;
    2)
      IFS=. read -r _nro_now _ </proc/uptime
      NET_NEXT_TRY=$((_nro_now + 3))
      [ "$NET_FAILED" = "$NET_SAID" ] || warn "network: no interface came up (trying again until the wait for root ends): $NET_FAILED"
      NET_SAID=$NET_FAILED ;;
  esac
  return 0
}

# net_failure: NET_REASON = why the network is not up, for the failure report; then the tries start over
# (the emergency shell may have fixed something).
net_failure() {
  if [ -n "$NET_FAILED" ]; then
    NET_REASON="network: no interface came up within ${ROOT_TIMEOUT_S}s: $NET_FAILED"
  elif [ -n "$NET_WAIT" ] && [ "$NET_WAIT" != "no network interface appeared" ]; then
    NET_REASON="network: $NET_WAIT within ${ROOT_TIMEOUT_S}s"
  else
    NET_REASON="network: no network interface appeared within ${ROOT_TIMEOUT_S}s (no driver for the network card in this image? see the modaliases below)"
  fi
  NET_FAILED='' NET_WAIT='' NET_SAID='' NET_NEXT_TRY=0 NET_START=''
}
