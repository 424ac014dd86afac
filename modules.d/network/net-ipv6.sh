# IPv6 readiness for DHCPv6 in the network feature of the mkinitramfs-ts /init (POSIX sh), sourced by
# net-dhcp.sh. DHCPv6 gives an address only (a /128): the on-link prefix and the default route come
# from router advertisements, which the kernel must accept. An IPv6 address cannot be used while its
# duplicate address detection (DAD) runs: not the link-local one DHCPv6 is sent from, not the leased one.
# The state is read from /proc/net/if_inet6 (ADDR IFINDEX PREFIXLEN SCOPE FLAGS NAME, hex): no tool.

# _net_inet6_state IFACE: NET_INET6_LL = 1 when IFACE has a link-local address; NET_INET6_TENTATIVE = 1
# while one of its addresses is in DAD; NET_INET6_DADFAILED = the first one whose DAD failed (32 hex digits).
_net_inet6_state() {
  NET_INET6_LL='' NET_INET6_TENTATIVE='' NET_INET6_DADFAILED=''
  [ -r /proc/net/if_inet6 ] || return 0
  while read -r _ni_a _ _ _ni_scope _ni_flags _ni_name; do
    [ "$_ni_name" = "$1" ] || continue
    case "$_ni_flags" in ''|*[!0-9a-fA-F]*) continue ;; esac
    [ "$_ni_scope" != 20 ] || NET_INET6_LL=1
    # IFA_F_DADFAILED 0x08, IFA_F_TENTATIVE 0x40 (a failed address keeps both)
    if [ $((0x$_ni_flags & 8)) -ne 0 ]; then
      NET_INET6_DADFAILED=${NET_INET6_DADFAILED:-$_ni_a}
    elif [ $((0x$_ni_flags & 64)) -ne 0 ]; then
      NET_INET6_TENTATIVE=1
    fi
  done </proc/net/if_inet6
}

# _net_inet6_colons HEX32: NET_IP6 = the 32 hex digits of /proc/net/if_inet6 as eight groups joined by ':'.
_net_inet6_colons() {
  _nic_in=$1 NET_IP6=''
  while [ -n "$_nic_in" ]; do
    _nic_rest=${_nic_in#????}
    NET_IP6="$NET_IP6:${_nic_in%"$_nic_rest"}" _nic_in=$_nic_rest
  done
  NET_IP6=${NET_IP6#:}
}

# _net_ipv6_settle IFACE NEED_LL: wait up to NET_DAD_S (rd.net.timeout.ipv6dad=) until no address of IFACE
# is in DAD (with NEED_LL 1: and it has a link-local one); status 1 with NET_ERROR when DAD failed or
# did not end in time.
_net_ipv6_settle() {
  IFS=. read -r _nis_start _ </proc/uptime
  while :; do
    _net_inet6_state "$1"
    if [ -n "$NET_INET6_DADFAILED" ]; then
      _net_inet6_colons "$NET_INET6_DADFAILED"
      NET_ERROR="$1: IPv6 address $NET_IP6 failed duplicate address detection (another host on the link has it)"
      return 1
    fi
    if [ -z "$NET_INET6_TENTATIVE" ] && { [ "$2" != 1 ] || [ -n "$NET_INET6_LL" ]; }; then return 0; fi
    IFS=. read -r _nis_now _ </proc/uptime
    if [ $((_nis_now - _nis_start)) -ge "$NET_DAD_S" ]; then
      if [ -n "$NET_INET6_TENTATIVE" ]; then
        NET_ERROR="$1: IPv6 duplicate address detection not finished after ${NET_DAD_S}s (rd.net.timeout.ipv6dad=)"
      else
        NET_ERROR="$1: no IPv6 link-local address after ${NET_DAD_S}s (rd.net.timeout.ipv6dad=)"
      fi
      return 1
    fi
    nap 0.1
  done
}

# net_ipv6_ready IFACE: IPv6 on for IFACE, router advertisements accepted, its link-local address out of
# DAD; status 1 with NET_ERROR.
net_ipv6_ready() {
  _nir=/proc/sys/net/ipv6/conf/$1
  [ -d "$_nir" ] || { NET_ERROR="$1: the kernel has no IPv6 for it (ipv6.disable=1?)"; return 1; }
  _nir_v=''
  read -r _nir_v <"$_nir/disable_ipv6" 2>/dev/null
  if [ "$_nir_v" = 1 ]; then
    echo 0 >"$_nir/disable_ipv6" 2>/dev/null || { NET_ERROR="$1: IPv6 is disabled and cannot be enabled"; return 1; }
  fi
  # 0 ignores router advertisements; 1 takes them (not when forwarding), 2 always
  _nir_v=''
  read -r _nir_v <"$_nir/accept_ra" 2>/dev/null
  [ "$_nir_v" != 0 ] || echo 2 >"$_nir/accept_ra" 2>/dev/null || warn "network: $1: cannot accept router advertisements: no on-link prefix or default route from them"
  _net_ipv6_settle "$1" 1
}

# net_ipv6_dad IFACE: the leased address is out of DAD (within NET_DAD_S); status 1 with NET_ERROR.
net_ipv6_dad() { _net_ipv6_settle "$1" 0; }
