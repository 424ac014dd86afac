# initqueue hook: bring the network up once its interfaces exist (before a network root's hook runs).
command -v net_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/net-lib.sh
if [ -n "$NET_WANTED" ] && [ -z "$NET_TRIED" ] && net_bring_up; then
  NET_TRIED=1
  if [ -z "$NET_UP" ]; then
    emergency "network: no interface came up: ${NET_FAILED:-no ip= applies to interfaces ${NET_LINKS:-none}}" network
    # the shell was left: try again
    NET_TRIED=''
  elif [ -n "$NET_FAILED" ]; then
    warn "network: up on $NET_UP; not on: $NET_FAILED"
  fi
fi
