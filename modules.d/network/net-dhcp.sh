# DHCP for the network feature of the mkinitramfs-ts /init (POSIX sh), sourced by net-lib.sh's
# net_configure: busybox udhcpc, or the sysroot's client when busybox has none (the dhclient and dhcpcd
# features put it in the image) or when rd.net.dhcp.client=udhcpc|dhclient|dhcpcd names it. Each applies
# the lease through our own event script (udhcpc.script; dhcp.script renames dhclient's and dhcpcd's
# variables to udhcpc's first) and none stays running: udhcpc -q exits by itself, dhclient and dhcpcd are
# stopped once $NET_DIR/lease.IFACE or error.IFACE exists (dhcpcd -p leaves the address in place).

NET_DHCP_EVENT=/lib/mkinitramfs-ts/dhcp.script

# net_dhcp_pick: NET_DHCP_CLIENT = the client to run; status 1 with NET_ERROR when there is none or
# rd.net.dhcp.client= names one that is not known or not in the image.
net_dhcp_pick() {
  NET_DHCP_CLIENT=''
  if argval rd.net.dhcp.client; then
    case "$ARGVAL" in
      udhcpc|dhclient|dhcpcd) ;;
      *) NET_ERROR="rd.net.dhcp.client=$ARGVAL: not one of udhcpc, dhclient, dhcpcd"; return 1 ;;
    esac
    command -v "$ARGVAL" >/dev/null || { NET_ERROR="rd.net.dhcp.client=$ARGVAL: $ARGVAL is not in this image"; return 1; }
    NET_DHCP_CLIENT=$ARGVAL
    return 0
  fi
  for _ndp_c in udhcpc dhclient dhcpcd; do
    if command -v "$_ndp_c" >/dev/null; then NET_DHCP_CLIENT=$_ndp_c; return 0; fi
  done
  NET_ERROR="no DHCP client in this image (busybox has no udhcpc; build with --add dhclient or --add dhcpcd)"
  return 1
}

# net_dhcp IFACE: ask for a lease on IFACE within NET_DHCP_TIMEOUT_S and apply it. Status 0: the event
# script wrote $NET_DIR/lease.IFACE; 1: NET_ERROR says why.
net_dhcp() {
  net_dhcp_pick || return 1
  rm -f "$NET_DIR/lease.$1" "$NET_DIR/error.$1"
  case "$NET_DHCP_CLIENT" in
    udhcpc)
      # -n: give up after -t discovers 1 s apart (-T 1); -q: exit once the lease is applied. udhcpc
      # ignores the script's status: the lease file, written last by the script, says it worked.
      # -O rootpath: ask for option 17 (root=dhcp, an NFS root's path), which udhcpc does not by default
      if ! udhcpc -i "$1" -f -q -n -t "$NET_DHCP_TIMEOUT_S" -T 1 -O staticroutes -O rootpath -s "$NET_DHCP_SCRIPT"; then
        NET_ERROR="$1: no DHCP lease within ${NET_DHCP_TIMEOUT_S}s (rd.net.timeout.dhcp=)"
        return 1
      fi ;;
    *)
      if [ "$NET_DHCP_CLIENT" = dhclient ]; then
        # option 121 is asked for by name: dhclient knows it only when it is declared
        printf '%s\n' 'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;' \
          'request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, interface-mtu, root-path, rfc3442-classless-static-routes;' \
          "timeout $NET_DHCP_TIMEOUT_S;" >"$NET_DIR/dhclient.conf"
        # -d: in the foreground, so that it is ours to stop; -1: one try of "timeout" seconds
        dhclient -d -1 -4 -cf "$NET_DIR/dhclient.conf" -sf "$NET_DHCP_EVENT" -pf "$NET_DIR/dhclient.$1.pid" \
          -lf "$NET_DIR/dhclient.$1.leases" "$1" >"$NET_DIR/dhclient.$1.log" 2>&1 &
      else
        # -B: in the foreground; -p: the address stays when it is stopped; -4: IPv4 only
        dhcpcd -B -p -4 -t "$NET_DHCP_TIMEOUT_S" -c "$NET_DHCP_EVENT" "$1" >"$NET_DIR/dhcpcd.$1.log" 2>&1 &
      fi
      _nd_pid=$!
      IFS=. read -r _nd_start _ </proc/uptime
      while [ ! -e "$NET_DIR/lease.$1" ] && [ ! -e "$NET_DIR/error.$1" ] && kill -0 "$_nd_pid" 2>/dev/null; do
        IFS=. read -r _nd_now _ </proc/uptime
        [ $((_nd_now - _nd_start)) -lt "$NET_DHCP_TIMEOUT_S" ] || break
        nap 0.1
      done
      # nothing of ours runs across switch_root: the lease is applied, the client goes
      kill "$_nd_pid" 2>/dev/null
      wait "$_nd_pid" 2>/dev/null
      if [ ! -e "$NET_DIR/lease.$1" ] && [ ! -e "$NET_DIR/error.$1" ]; then
        NET_ERROR="$1: no DHCP lease within ${NET_DHCP_TIMEOUT_S}s from $NET_DHCP_CLIENT (rd.net.timeout.dhcp=)"
        return 1
      fi ;;
  esac
  if [ ! -e "$NET_DIR/lease.$1" ]; then
    _nd_why=''
    read -r _nd_why <"$NET_DIR/error.$1" 2>/dev/null
    NET_ERROR="$1: got a DHCP lease but could not apply it: ${_nd_why:-the event script did not finish}"
    return 1
  fi
}
