#!/bin/sh
# shellcheck disable=SC2154 # interface, ipv6, dns, search, lease: set by udhcpc6 (or dhcp.script) in the environment
# busybox udhcpc6's event script in the mkinitramfs-ts initramfs, and dhcp.script's for dhclient -6 and
# dhcpcd -6: applies a DHCPv6 lease to $interface, its address as a /128 (DHCPv6 has no prefix length:
# the on-link prefix and the default route come from router advertisements, which net-ipv6.sh lets the
# kernel accept), and keeps its DNS servers for /etc/resolv.conf. Values are only passed as single quoted
# arguments to ip or written to files, never run. $NET_DIR/lease6.IFACE, written last, says the lease
# was applied; $NET_DIR/error6.IFACE says why not.
set -f
NET_DIR=/run/initramfs/net
mkdir -p "$NET_DIR"
say() { printf 'mkinitramfs-ts: network: %s\n' "$*" >&2; }
fail() { printf '%s\n' "$*" >"$NET_DIR/error6.$interface"; say "$interface: $*"; exit 1; }

case "$1" in
  bound|renew)
    rm -f "$NET_DIR/lease6.$interface" "$NET_DIR/error6.$interface"
    [ -n "$ipv6" ] || fail "the DHCPv6 lease has no address"
    # a prefix length only when the client says one (dhclient does: 128); anything else is 128
    pfx=128
    case "$prefixlen" in [1-9]|[1-9][0-9]|1[01][0-9]|12[0-8]) pfx=$prefixlen ;; esac
    ip -6 addr replace "$ipv6/$pfx" dev "$interface" || fail "cannot add the leased address $ipv6/$pfx"
    : >"$NET_DIR/dns6.$interface"
    for d in $dns; do printf 'nameserver %s\n' "$d" >>"$NET_DIR/dns6.$interface"; done
    # last: its existence says the lease is applied
    printf '%s=%s\n' interface "$interface" ip "$ipv6/$pfx" dns "$dns" search "$search" server "$serverid" \
      lease "$lease" >"$NET_DIR/lease6.$interface" || fail "cannot write $NET_DIR/lease6.$interface"
    say "$interface $ipv6/$pfx (DHCPv6${serverid:+ from $serverid}, lease ${lease:-?}s${dns:+, DNS $dns})" ;;
esac
exit 0
