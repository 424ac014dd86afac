#!/bin/sh
# shellcheck disable=SC2154 # reason, interface, new_*: set by dhclient or dhcpcd in the environment
# The event script of the sysroot's DHCP client (ISC dhclient -sf, dhcpcd -c) in the mkinitramfs-ts
# initramfs, for images whose busybox has no udhcpc or with rd.net.dhcp.client=: it renames the
# client's variables (new_ip_address, new_subnet_mask or new_subnet_cidr, new_routers, ...) to the
# names busybox udhcpc uses and runs udhcpc.script with them, so a lease is applied one way whatever the
# client: address, routes (option 121 first), MTU, DNS, then $NET_DIR/lease.IFACE; DHCPv6 events go to
# udhcpc6.script the same way.
# Values are only renamed and passed on; checks and quoting are udhcpc.script's.
set -f

# _prefix_of MASK: the prefix length of a dotted netmask (255.255.255.0 -> 24); empty when it is not one
_prefix_of() {
  _p=0 _ifs=$IFS
  IFS=.
  # shellcheck disable=SC2086 # split at dots on purpose; globbing is off
  set -- $1
  IFS=$_ifs
  [ $# -eq 4 ] || return 0
  _seen0=''
  for _o in "$@"; do
    case "$_o" in 255) [ -z "$_seen0" ] || return 0; _p=$((_p + 8)) ;;
      254|252|248|240|224|192|128|0)
        [ -z "$_seen0" ] || [ "$_o" = 0 ] || return 0
        _seen0=1
        case "$_o" in 254) _p=$((_p + 7)) ;; 252) _p=$((_p + 6)) ;; 248) _p=$((_p + 5)) ;; 240) _p=$((_p + 4)) ;;
          224) _p=$((_p + 3)) ;; 192) _p=$((_p + 2)) ;; 128) _p=$((_p + 1)) ;; esac ;;
      *) return 0 ;;
    esac
  done
  printf '%s' "$_p"
}

# _rfc3442 BYTES: dhclient's option 121 (decimal bytes: WIDTH, the significant octets of the
# destination, 4 octets of the gateway, again) as udhcpc's "DEST/WIDTH GATEWAY ..." pairs; empty when
# the bytes do not add up
_rfc3442() {
  _b=$(printf '%s' "$1" | tr ',' ' ')
  # shellcheck disable=SC2086 # split at blanks on purpose; globbing is off
  set -- $_b
  _out=''
  while [ $# -gt 0 ]; do
    _w=$1; shift
    case "$_w" in ''|*[!0-9]*) return 0 ;; esac
    [ "$_w" -le 32 ] || return 0
    _n=$(((_w + 7) / 8))
    [ $# -ge $((_n + 4)) ] || return 0
    _d='' _i=0
    while [ $_i -lt 4 ]; do
      if [ $_i -lt "$_n" ]; then _d="$_d.$1"; shift; else _d="$_d.0"; fi
      _i=$((_i + 1))
    done
    _out="$_out ${_d#.}/$_w $1.$2.$3.$4"
    shift 4
  done
  printf '%s' "${_out# }"
}

# DHCPv6 (dhclient -6, dhcpcd -6): the address, its prefix length (dhclient's), the DNS servers, to
# udhcpc6.script with udhcpc6's names; PREINIT6 needs nothing (the link is up, its DAD is over)
case "$reason" in
  BOUND6|REBOOT6|RENEW6|REBIND6)
    ipv6=${new_ip6_address:-$new_dhcp6_ia_na1_ia_addr1}
    prefixlen=$new_ip6_prefixlen
    dns=$new_dhcp6_name_servers
    search=$new_dhcp6_domain_search
    serverid=$new_dhcp6_server_id
    lease=${new_max_life:-$new_dhcp6_ia_na1_ia_addr1_vltime}
    export interface ipv6 prefixlen dns search serverid lease
    case "$reason" in RENEW6|REBIND6) set -- renew ;; *) set -- bound ;; esac
    . /lib/mkinitramfs-ts/udhcpc6.script ;;
  *6) exit 0 ;;
esac
case "$reason" in
  PREINIT) set -- deconfig ;;
  BOUND|REBOOT) set -- bound ;;
  RENEW|REBIND) set -- renew ;;
  *) exit 0 ;;
esac
ip=$new_ip_address
mask=${new_subnet_cidr:-$(_prefix_of "$new_subnet_mask")}
broadcast=$new_broadcast_address
router=$new_routers
dns=$new_domain_name_servers
domain=$new_domain_name
mtu=$new_interface_mtu
serverid=$new_dhcp_server_identifier
lease=$new_dhcp_lease_time
# dhcpcd decodes option 121 as udhcpc does; dhclient hands over its bytes
staticroutes=${new_classless_static_routes:-$(_rfc3442 "$new_rfc3442_classless_static_routes")}
rootpath=$new_root_path
siaddr=$new_next_server
export interface ip mask broadcast router dns domain mtu serverid lease staticroutes rootpath siaddr
# udhcpc.script takes the event as $1 and ends with exit
. /lib/mkinitramfs-ts/udhcpc.script
