# timeout hook: the wait for root ran out and the network is not up: say why (no interface, a named one
# missing, no carrier, no lease) and stop, with the network state in the report.
command -v net_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/net-lib.sh
if [ -n "$NET_WANTED" ] && [ -z "$NET_UP" ]; then
  net_failure
  emergency "$NET_REASON" network
fi
