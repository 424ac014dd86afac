# DHCP for the network feature of the mkinitramfs-ts /init (POSIX sh), sourced by net-lib.sh's
# net_configure: busybox udhcpc (udhcpc6 for DHCPv6), or the sysroot's client when busybox has none (the
# dhclient and dhcpcd features put it in the image) or when rd.net.dhcp.client=udhcpc|dhclient|dhcpcd
# names it. Each applies the lease through our own event script (udhcpc.script, udhcpc6.script;
# dhcp.script renames dhclient's and dhcpcd's variables to udhcpc's first) and none stays running:
# udhcpc -q exits by itself, dhclient and dhcpcd are stopped once the lease or error file exists
# (dhcpcd -p leaves the address in place). DHCPv4 writes lease.IFACE / error.IFACE, DHCPv6
# lease6.IFACE / error6.IFACE.

NET_DHCP_EVENT=/lib/mkinitramfs-ts/dhcp.script
. /lib/mkinitramfs-ts/net-ipv6.sh
NET_UDHCPC6_SCRIPT=/lib/mkinitramfs-ts/udhcpc6.script

# net_dhcp_pick [FAMILY]: NET_DHCP_CLIENT = the client to run (udhcpc, dhclient, dhcpcd; udhcpc stands for
# busybox's udhcpc6 with FAMILY 6); status 1 with NET_ERROR when there is none or rd.net.dhcp.client=
# names one that is not known or not in the image.
net_dhcp_pick() {
  NET_DHCP_CLIENT=''
  _ndp_bb=udhcpc
  [ "${1:-4}" != 6 ] || _ndp_bb=udhcpc6
  if argval rd.net.dhcp.client; then
    case "$ARGVAL" in
      udhcpc|dhclient|dhcpcd) ;;
      *) NET_ERROR="rd.net.dhcp.client=$ARGVAL: not one of udhcpc, dhclient, dhcpcd"; return 1 ;;
    esac
    _ndp_c=$ARGVAL
    [ "$_ndp_c" != udhcpc ] || _ndp_c=$_ndp_bb
    command -v "$_ndp_c" >/dev/null || { NET_ERROR="rd.net.dhcp.client=$ARGVAL: $_ndp_c is not in this image"; return 1; }
    NET_DHCP_CLIENT=$ARGVAL
    return 0
  fi
  for _ndp_c in "$_ndp_bb" dhclient dhcpcd; do
    if command -v "$_ndp_c" >/dev/null; then NET_DHCP_CLIENT=${_ndp_c%6}; return 0; fi
  done
  NET_ERROR="no DHCP client in this image (busybox has no $_ndp_bb; build with --add dhclient or --add dhcpcd)"
  return 1
}

# net_dhcp IFACE [FAMILY]: ask for a lease (DHCPv4, or DHCPv6 with FAMILY 6) on IFACE within
# NET_DHCP_TIMEOUT_S and apply it. Status 0: the event script wrote $NET_DIR/lease.IFACE (lease6.IFACE);
# 1: NET_ERROR says why.
net_dhcp() {
  _nd_fam=${2:-4} _nd_v='' _nd_6=''
  if [ "$_nd_fam" = 6 ]; then _nd_v=v6 _nd_6=6; fi
  net_dhcp_pick "$_nd_fam" || return 1
  info "network: $1: asking for a DHCP$_nd_v lease with $NET_DHCP_CLIENT (up to ${NET_DHCP_TIMEOUT_S}s)"
  _nd_lease="$NET_DIR/lease$_nd_6.$1" _nd_err="$NET_DIR/error$_nd_6.$1"
  rm -f "$_nd_lease" "$_nd_err"
  # DHCPv6 is sent from the link-local address, which the kernel holds back until its DAD is done
  [ -z "$_nd_6" ] || net_ipv6_ready "$1" || return 1
  case "$NET_DHCP_CLIENT.$_nd_fam" in
    udhcpc.4)
      # -n: give up after -t discovers 1 s apart (-T 1); -q: exit once the lease is applied. udhcpc
      # ignores the script's status: the lease file, written last by the script, says it worked.
      # -O rootpath: ask for option 17 (root=dhcp, an NFS root's path), which udhcpc does not by default
      if ! udhcpc -i "$1" -f -q -n -t "$NET_DHCP_TIMEOUT_S" -T 1 -O staticroutes -O rootpath -s "$NET_DHCP_SCRIPT"; then
        NET_ERROR="$1: no DHCP lease within ${NET_DHCP_TIMEOUT_S}s (rd.net.timeout.dhcp=)"
        return 1
      fi ;;
    udhcpc.6)
      # the same with solicits; -O dns -O search: udhcpc6 asks for them only when told
      if ! udhcpc6 -i "$1" -f -q -n -t "$NET_DHCP_TIMEOUT_S" -T 1 -O dns -O search -s "$NET_UDHCPC6_SCRIPT"; then
        NET_ERROR="$1: no DHCPv6 lease within ${NET_DHCP_TIMEOUT_S}s (rd.net.timeout.dhcp=)"
        return 1
      fi ;;
    *)
      if [ "$NET_DHCP_CLIENT" = dhclient ]; then
        if [ -n "$_nd_6" ]; then
          printf '%s\n' 'request dhcp6.name-servers, dhcp6.domain-search;' "timeout $NET_DHCP_TIMEOUT_S;" >"$NET_DIR/dhclient6.conf"
        else
          # option 121 is asked for by name: dhclient knows it only when it is declared
          printf '%s\n' 'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;' \
            'request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, interface-mtu, root-path, rfc3442-classless-static-routes;' \
            "timeout $NET_DHCP_TIMEOUT_S;" >"$NET_DIR/dhclient.conf"
        fi
        # -d: in the foreground, so that it is ours to stop; -1: one try of "timeout" seconds
        dhclient -d -1 "-$_nd_fam" -cf "$NET_DIR/dhclient$_nd_6.conf" -sf "$NET_DHCP_EVENT" -pf "$NET_DIR/dhclient$_nd_6.$1.pid" \
          -lf "$NET_DIR/dhclient$_nd_6.$1.leases" "$1" >"$NET_DIR/dhclient$_nd_6.$1.log" 2>&1 &
      else
        # -B: in the foreground; -p: the address stays when it is stopped; -4/-6: that family only.
        # Without a dhcpcd.conf it asks for no options: DHCPv6's DNS servers and search list by name
        if [ -n "$_nd_6" ]; then
          dhcpcd -B -p -6 -o dhcp6_name_servers -o dhcp6_domain_search -t "$NET_DHCP_TIMEOUT_S" -c "$NET_DHCP_EVENT" "$1" >"$NET_DIR/dhcpcd6.$1.log" 2>&1 &
        else
          dhcpcd -B -p -4 -t "$NET_DHCP_TIMEOUT_S" -c "$NET_DHCP_EVENT" "$1" >"$NET_DIR/dhcpcd.$1.log" 2>&1 &
        fi
      fi
      _nd_pid=$!
      IFS=. read -r _nd_start _ </proc/uptime
      while [ ! -e "$_nd_lease" ] && [ ! -e "$_nd_err" ] && kill -0 "$_nd_pid" 2>/dev/null; do
        IFS=. read -r _nd_now _ </proc/uptime
        [ $((_nd_now - _nd_start)) -lt "$NET_DHCP_TIMEOUT_S" ] || break
        nap 0.1
      done
      # nothing of ours runs across switch_root: the lease is applied, the client goes
      kill "$_nd_pid" 2>/dev/null
      wait "$_nd_pid" 2>/dev/null
      if [ ! -e "$_nd_lease" ] && [ ! -e "$_nd_err" ]; then
        NET_ERROR="$1: no DHCP$_nd_v lease within ${NET_DHCP_TIMEOUT_S}s from $NET_DHCP_CLIENT (rd.net.timeout.dhcp=)"
        return 1
      fi ;;
  esac
  if [ ! -e "$_nd_lease" ]; then
    _nd_why=''
    read -r _nd_why <"$_nd_err" 2>/dev/null
    NET_ERROR="$1: got a DHCP$_nd_v lease but could not apply it: ${_nd_why:-the event script did not finish}"
    return 1
  fi
  # the leased address is usable once its DAD is done (a tentative one cannot be a source)
  [ -z "$_nd_6" ] || net_ipv6_dad "$1"
}
