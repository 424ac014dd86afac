# The network of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash), sourced by the network
# feature's hooks. dracut's command line: ip=, ifname=, nameserver=, rd.neednet=, rd.net.timeout.dhcp=.
# Every value is untrusted: it is split and checked against a narrow character set here, never eval-ed,
# and only passed as one quoted argument to `ip` and `udhcpc` once it is valid.

NET_DIR=/run/initramfs/net
NET_DHCP_SCRIPT=/lib/mkinitramfs-ts/udhcpc.script
# how long a link may take to report a carrier; DHCP's default wait (rd.net.timeout.dhcp= sets it)
NET_CARRIER_S=5
NET_DHCP_DEFAULT_S=30

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
net_parse_ip() {
  NET_METHOD='' NET_IFACE='' NET_ADDR='' NET_PEER='' NET_GW='' NET_PREFIX='' NET_FAMILY='' NET_HOST='' NET_MTU='' NET_MAC=''
  NET_DNS1='' NET_DNS2='' NET_ERROR=''
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
  [ $# -ge 7 ] || { _net_fail "not one of dracut's forms (dhcp, IFACE:dhcp, CLIENT:PEER:GW:NETMASK:HOSTNAME:IFACE:METHOD)"; return 1; }
  _npi_client=$1 _npi_peer=$2 _npi_gw=$3 _npi_mask=$4 _npi_host=$5 _npi_iface=$6 _npi_method=$7
  shift 7
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
  # 8th field: an address (then DNS1[:DNS2]) or an MTU (then MAC)
  _net_unmask "$1"
  if [ -n "$1" ] && net_valid_ip "$NET_FIELD"; then
    NET_DNS1=$NET_IP
    if [ $# -ge 2 ]; then
      _net_unmask "$2"
      if [ -n "$2" ]; then net_valid_ip "$NET_FIELD" || { _net_fail "DNS server '$NET_FIELD' is not an address"; return 1; }; NET_DNS2=$NET_IP; fi
    fi
    [ $# -le 2 ] || { _net_fail "fields after DNS2"; return 1; }
    return 0
  fi
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
# is on the network or rd.neednet=1), NET_DHCP_TIMEOUT_S; an invalid value is an error (NET_ERROR names
# it; status 1): a network boot with a configuration other than the one asked for is worse than none.
net_read_cmdline() {
  NET_WANTED='' NET_ERROR=''
  argval root
  case "$ARGVAL" in nbd:*) NET_WANTED=1 ;; esac
  # netroot=iscsi: may hold CHAP secrets: never traced (the iscsi feature also wants the network for rd.iscsi.*)
  secret_begin; argval netroot && case "$ARGVAL" in iscsi:*) NET_WANTED=1 ;; esac; ARGVAL=''; secret_end
  getargbool 0 rd.neednet && NET_WANTED=1
  NET_DHCP_TIMEOUT_S=$NET_DHCP_DEFAULT_S
  if argval rd.net.timeout.dhcp; then
    if ! { seconds_of "$ARGVAL" 3600 && [ "$SECS" -gt 0 ]; }; then NET_ERROR="rd.net.timeout.dhcp=$ARGVAL: not a number of seconds from 1 to 3600"; return 1; fi
    NET_DHCP_TIMEOUT_S=$SECS
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
    done <<EOF
$NET_VALUES
EOF
  done
  return 0
}

# --- bring-up (initqueue) ------------------------------------------------------------------------------

# net_links: NET_LINKS = the network interfaces but lo, space separated (names from /sys/class/net).
net_links() {
  NET_LINKS=''
  for _nl in /sys/class/net/*; do
    [ -e "$_nl" ] || continue
    _nl=${_nl##*/}
    [ "$_nl" = lo ] || NET_LINKS="$NET_LINKS $_nl"
  done
  NET_LINKS=${NET_LINKS# }
}

# net_rename_links: ifname=NAME:MAC gives the interface with that address the name NAME.
net_rename_links() {
  net_values ifname || return 0
  while IFS= read -r _nr_v; do
    if [ -z "$_nr_v" ] || ! net_parse_ifname "$_nr_v"; then continue; fi
    [ -e "/sys/class/net/$NET_IFACE" ] && continue
    for _nr_l in $NET_LINKS; do
      read -r _nr_a <"/sys/class/net/$_nr_l/address" 2>/dev/null || continue
      [ "$_nr_a" = "$NET_MAC" ] || continue
      ip link set dev "$_nr_l" down 2>/dev/null
      ip link set dev "$_nr_l" name "$NET_IFACE" && info "network: $_nr_l is now $NET_IFACE (ifname=$_nr_v)"
    done
  done <<END
$NET_VALUES
END
  net_links
}

# net_link_up IFACE: set it up (with NET_MTU and NET_MAC when given) and wait up to NET_CARRIER_S
# seconds (default 5) for a carrier; status 1, with NET_ERROR, when it has none.
net_link_up() {
  [ -z "$NET_MAC" ] || ip link set dev "$1" address "$NET_MAC" || { NET_ERROR="$1: cannot set its MAC address to $NET_MAC"; return 1; }
  [ -z "$NET_MTU" ] || ip link set dev "$1" mtu "$NET_MTU" || { NET_ERROR="$1: cannot set MTU $NET_MTU"; return 1; }
  ip link set dev "$1" up || { NET_ERROR="$1: cannot set the link up"; return 1; }
  IFS=. read -r _nlu_start _ </proc/uptime
  while :; do
    _nlu_c=''
    read -r _nlu_c <"/sys/class/net/$1/carrier" 2>/dev/null
    [ "$_nlu_c" = 1 ] && return 0
    IFS=. read -r _nlu_now _ </proc/uptime
    if [ $((_nlu_now - _nlu_start)) -ge "$NET_CARRIER_S" ]; then
      NET_ERROR="$1: no link (no carrier after ${NET_CARRIER_S}s: is the cable in?)"
      return 1
    fi
    nap 0.1
  done
}

# net_configure IFACE: apply the parsed ip= spec (NET_METHOD ...) to IFACE; status 1 with NET_ERROR.
net_configure() {
  net_link_up "$1" || return 1
  case "$NET_METHOD" in
    static)
      if [ -n "$NET_PEER" ]; then
        ip addr add "$NET_ADDR/$NET_PREFIX" peer "$NET_PEER" dev "$1"
      else
        ip addr add "$NET_ADDR/$NET_PREFIX" dev "$1"
      fi || { NET_ERROR="$1: cannot add address $NET_ADDR/$NET_PREFIX"; return 1; }
      if [ -n "$NET_GW" ]; then
        ip route add default via "$NET_GW" dev "$1" || { NET_ERROR="$1: cannot add the default route via $NET_GW"; return 1; }
      fi
      info "network: $1 $NET_ADDR/$NET_PREFIX${NET_GW:+ via $NET_GW} (static)" ;;
    dhcp)
      info "network: $1: asking for a DHCP lease (up to ${NET_DHCP_TIMEOUT_S}s)"
      # -n: give up after -t discovers 1 s apart (-T 1); -q: exit once the lease is applied. The lease
      # is applied by the script; nothing stays running, so nothing is left to kill before switch_root.
      if ! udhcpc -i "$1" -f -q -n -t "$NET_DHCP_TIMEOUT_S" -T 1 -s "$NET_DHCP_SCRIPT"; then
        NET_ERROR="$1: no DHCP lease within ${NET_DHCP_TIMEOUT_S}s (rd.net.timeout.dhcp=)"
        return 1
      fi ;;
    *) NET_ERROR="$1: method $NET_METHOD"; return 1 ;;
  esac
  [ -z "$NET_HOST" ] || hostname "$NET_HOST" 2>/dev/null || true
  _nc_dns=''
  for _nc_d in $NET_DNS1 $NET_DNS2; do _nc_dns="${_nc_dns}nameserver $_nc_d
"; done
  [ -z "$_nc_dns" ] || printf '%s' "$_nc_dns" >"$NET_DIR/dns.$1"
  return 0
}

# net_write_resolv: /etc/resolv.conf from nameserver= first, then each interface's (ip= or DHCP).
net_write_resolv() {
  {
    if net_values nameserver; then
      while IFS= read -r _nw_v; do
        [ -n "$_nw_v" ] && net_parse_nameserver "$_nw_v" && echo "nameserver $NET_IP"
      done <<END
$NET_VALUES
END
    fi
    for _nw_f in "$NET_DIR"/dns.*; do [ -r "$_nw_f" ] && cat "$_nw_f"; done
  } >/etc/resolv.conf
}

# net_bring_up: once interfaces exist, apply every ip= (ip=dhcp when none). Status 1 while there is no
# interface yet (try again next round). Sets NET_UP (the interfaces configured) and NET_FAILED (why
# the others are not); an ip= without an interface takes the first interface that comes up.
net_bring_up() {
  net_links
  [ -n "$NET_LINKS" ] || return 1
  # every NIC driver coldplug started has finished probing: all of its interfaces exist
  coldplug_wait
  net_links
  net_rename_links
  mkdir -p "$NET_DIR"
  ip link set dev lo up 2>/dev/null
  net_values ip || NET_VALUES=dhcp
  NET_UP='' NET_FAILED=''
  while IFS= read -r _nb_v; do
    if [ -z "$_nb_v" ] || ! net_parse_ip "$_nb_v"; then continue; fi
    case "$NET_METHOD" in
      off) continue ;;
      dhcp6) NET_FAILED="$NET_FAILED; ip=$_nb_v: DHCPv6 is not supported by this image (busybox has no udhcpc6)"; continue ;;
    esac
    _nb_ifs=${NET_IFACE:-$NET_LINKS}
    for _nb_if in $_nb_ifs; do
      if [ ! -e "/sys/class/net/$_nb_if" ]; then
        NET_FAILED="$NET_FAILED; ip=$_nb_v: no interface $_nb_if (there are: ${NET_LINKS:-none})"
        continue
      fi
      if net_configure "$_nb_if"; then
        NET_UP="$NET_UP $_nb_if"
        break
      fi
      NET_FAILED="$NET_FAILED; $NET_ERROR"
    done
  done <<END
$NET_VALUES
END
  NET_UP=${NET_UP# } NET_FAILED=${NET_FAILED#; }
  net_write_resolv
  printf '%s\n' "$NET_UP" >"$NET_DIR/up"
  return 0
}

