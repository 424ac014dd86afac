# timeout hook: the wait for root ran out before any network interface appeared.
command -v net_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/net-lib.sh
if [ -n "$NET_WANTED" ] && [ -z "$NET_TRIED" ]; then
  emergency "network: no network interface appeared within ${ROOT_TIMEOUT_S}s (no driver for the network card in this image? see the modaliases below)" network
fi
