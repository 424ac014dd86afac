# cmdline hook: check ip=, ifname=, nameserver=, rd.net.timeout.dhcp= once; decide whether the network
command -v net_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/net-lib.sh
# is wanted (a network root, or rd.neednet=1).
if ! net_read_cmdline; then
  emergency "network: $NET_ERROR (see dracut.cmdline(7) for the forms)" network
fi
while IFS= read -r _na_w; do [ -z "$_na_w" ] || warn "network: $_na_w"; done <<END
$NET_WARNINGS
END
if [ -z "$NET_WANTED" ] && argval ip; then
  info "network: ip= given but the root is not on the network and rd.neednet=1 is not set: not bringing it up"
fi
[ -z "$NET_WANTED" ] || mkdir -p "$NET_DIR"
