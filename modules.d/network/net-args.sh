# cmdline hook: check ip=, ifname=, nameserver=, rd.net.timeout.dhcp= once; decide whether the network
command -v net_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/net-lib.sh
# is wanted (a network root, or rd.neednet=1).
if ! net_read_cmdline; then
  emergency "network: $NET_ERROR (see dracut.cmdline(7) for the forms)" network
fi
if [ -z "$NET_WANTED" ] && argval ip; then
  info "network: ip= given but the root is not on the network and rd.neednet=1 is not set: not bringing it up"
fi
[ -z "$NET_WANTED" ] || mkdir -p "$NET_DIR"
