#!/bin/sh
# shellcheck disable=SC2154 # interface, ip, mask, router, dns ...: set by udhcpc in the environment
# busybox udhcpc's event script in the mkinitramfs-ts initramfs: applies a lease to $interface
# (address, routes, MTU) and keeps its DNS servers for /etc/resolv.conf. udhcpc decoded every value
# from the DHCP packet; they are only passed as single quoted arguments to ip or written to files.
# udhcpc ignores this script's status: $NET_DIR/lease.IFACE, written last, says the lease was applied;
# $NET_DIR/error.IFACE says why not.
# Lists (router, dns, staticroutes) are split at blanks, never globbed.
set -f
NET_DIR=/run/initramfs/net
mkdir -p "$NET_DIR"
say() { printf 'mkinitramfs-ts: network: %s\n' "$*" >&2; }
fail() { printf '%s\n' "$*" >"$NET_DIR/error.$interface"; say "$interface: $*"; exit 1; }

# route_via DEST GW: a route to DEST through GW; a gateway outside the lease's subnet (a /32 lease, a
# cloud's off-link router) gets an on-link host route first, without which the kernel refuses it.
route_via() {
  ip route replace "$1" via "$2" dev "$interface" 2>/dev/null && return 0
  ip route replace "$2" dev "$interface" scope link && ip route replace "$1" via "$2" dev "$interface"
}

case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface" 2>/dev/null
    ip link set dev "$interface" up ;;
  bound|renew)
    rm -f "$NET_DIR/lease.$interface" "$NET_DIR/error.$interface"
    [ -n "$ip" ] || fail "the lease has no address"
    pfx=${mask:-${subnet:-32}}
    [ "$1" = renew ] || ip -4 addr flush dev "$interface" 2>/dev/null
    ip addr replace "$ip/$pfx" ${broadcast:+broadcast "$broadcast"} dev "$interface" ||
      fail "cannot add the leased address $ip/$pfx"
    [ -z "$mtu" ] || ip link set dev "$interface" mtu "$mtu" || say "$interface: cannot set the leased MTU $mtu"
    routes='' via=''
    if [ -n "$staticroutes" ]; then
      # option 121 (RFC 3442): DEST/LEN GATEWAY pairs; a client that has them ignores the router option
      # shellcheck disable=SC2086 # split at blanks on purpose; globbing is off
      set -- $staticroutes
      while [ $# -ge 2 ]; do
        if [ "$2" = 0.0.0.0 ]; then
          ip route replace "$1" dev "$interface" scope link
        else
          route_via "$1" "$2"
        fi
        # shellcheck disable=SC2181 # the status of whichever branch ran
        if [ $? -eq 0 ]; then routes="$routes $1 via $2"; else say "$interface: cannot add the leased route to $1 via $2"; fi
        shift 2
      done
    else
      for r in $router; do
        if route_via default "$r"; then routes=" default via $r" via=$r; break; fi
        say "$interface: cannot add the default route via $r"
      done
    fi
    : >"$NET_DIR/dns.$interface"
    for d in $dns; do printf 'nameserver %s\n' "$d" >>"$NET_DIR/dns.$interface"; done
    # last: its existence says the lease is applied; rootpath and siaddr (next-server) serve an NFS root
    printf '%s=%s\n' interface "$interface" ip "$ip/$pfx" router "$router" routes "${routes# }" \
      dns "$dns" domain "$domain" server "$serverid" lease "$lease" \
      rootpath "$rootpath" siaddr "$siaddr" >"$NET_DIR/lease.$interface" ||
      fail "cannot write $NET_DIR/lease.$interface"
    if [ -n "$staticroutes" ]; then shown=" routes${routes:- none}"; else shown=${via:+ via $via}; fi
    say "$interface $ip/$pfx$shown (DHCP from ${serverid:-?}, lease ${lease:-?}s)" ;;
  leasefail|nak) ;;
esac
exit 0
