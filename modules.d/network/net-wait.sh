# pre-mount hook: the root was there before the network (a local root with rd.neednet=1): never boot
# without it. Keep trying until the wait for root (rd.timeout=) ends, counted from the first try, then
# stop with the failure report.
command -v net_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/net-lib.sh
if [ -n "$NET_WANTED" ] && [ -z "$NET_UP" ]; then
  info "network: the root device is here; waiting for the network (rd.neednet=1)"
  while :; do
    coldplug
    net_round
    [ -z "$NET_UP" ] || break
    IFS=. read -r _nw_now _ </proc/uptime
    if [ "$ROOT_TIMEOUT_S" -gt 0 ] && [ $((_nw_now - ${NET_START:-$_nw_now})) -ge "$ROOT_TIMEOUT_S" ]; then
      coldplug_wait
      net_failure
      emergency "$NET_REASON" network
      continue
    fi
    nap 0.1
  done
fi
