#!/bin/sh
# shellcheck disable=SC2154 # interface, ip, mask, router, dns ...: set by udhcpc in the environment
# busybox udhcpc's event script in the mkinitramfs-ts initramfs: applies a lease to $interface
# (address, default route, MTU) and keeps its DNS servers for /etc/resolv.conf. udhcpc decoded every
# value from the DHCP packet; they are only passed as single quoted arguments to ip or written to files.
NET_DIR=/run/initramfs/net
mkdir -p "$NET_DIR"
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface" 2>/dev/null
    ip link set dev "$interface" up ;;
  bound|renew)
    ip -4 addr flush dev "$interface" 2>/dev/null
    ip addr add "$ip/${mask:-${subnet:-32}}" ${broadcast:+broadcast "$broadcast"} dev "$interface" || exit 1
    [ -z "$mtu" ] || ip link set dev "$interface" mtu "$mtu"
    for r in $router; do
      ip route add default via "$r" dev "$interface" && break
    done
    : >"$NET_DIR/dns.$interface"
    for d in $dns; do echo "nameserver $d" >>"$NET_DIR/dns.$interface"; done
    {
      echo "interface=$interface"; echo "ip=$ip/${mask:-$subnet}"; echo "router=$router"; echo "dns=$dns"
      echo "domain=$domain"; echo "server=$serverid"; echo "lease=$lease"
      # for an NFS root (root=dhcp, a root= without a server): the root-path option, the next-server
      echo "rootpath=$rootpath"; echo "siaddr=$siaddr"
    } >"$NET_DIR/lease.$interface"
    echo "mkinitramfs-ts: network: $interface $ip/${mask:-$subnet}${router:+ via $router} (DHCP from ${serverid:-?}, lease ${lease:-?}s)" ;;
  leasefail|nak) ;;
esac
exit 0
