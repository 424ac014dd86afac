# Failure handling of the mkinitramfs-ts /init: say why in plain words, save a report, then a shell
# (or a reboot with rd.shell=0). Sourced by /init.

# The modaliases of devices that have no driver bound and that no module in this image claims.
unclaimed_modaliases() {
  find /sys/devices -name modalias -type f 2>/dev/null | while IFS= read -r _f; do
    _d=${_f%/modalias}
    [ -e "$_d/driver" ] && continue
    read -r _a <"$_f" 2>/dev/null || continue
    # firmware tables, CPUs and the machine's DMI strings are never a missing storage or input driver
    case "$_a" in ''|acpi:*|cpu:*|dmi:*) continue ;; esac
    modprobe -q -D "$_a" >/dev/null 2>&1 && continue
    printf '%s  (%s)\n' "$_a" "${_d#/sys}"
  done | sort -u
}

write_report() {
  {
    echo "mkinitramfs-ts boot report"
    printf 'reason: %s\n' "$1"
    printf 'kernel: %s   image: %s (%s)\n' "$(uname -r)" "${IMAGE_KVER:-?}" "${IMAGE_MODE:-generic}"
    printf 'features: %s\n' "${IMAGE_FEATURES:-?}"
    printf 'command line:%s\n' "$CMDLINE"
    echo
    echo "block devices seen:"
    read_partitions
    # a label may hold backslashes: printf, not echo
    for _b in $BLOCK_NAMES; do printf '  /dev/%s %s\n' "$_b" "$(blkid "/dev/$_b" 2>/dev/null | sed 's/^[^:]*: //')"; done
    [ -n "$BLOCK_NAMES" ] || echo "  (none)"
    echo
    echo "modaliases no module in this image claims (devices without a driver):"
    unclaimed_modaliases | sed 's/^/  /'
    echo
    echo "modules that failed to load (in the image, refused by the kernel):"
    if [ -s "$LOADS_FAILED_FILE" ]; then sed 's/^/  /' "$LOADS_FAILED_FILE"; else echo "  (none)"; fi
    echo
    # the network feature keeps its state in /run/initramfs/net when the network was wanted
    if [ -d /run/initramfs/net ] && command -v ip >/dev/null 2>&1; then
      echo "network (links, addresses, routes, DNS, DHCP leases):"
      ip -o link show 2>&1 | sed 's/^/  link: /'
      ip -o addr show 2>&1 | sed 's/^/  addr: /'
      ip route show 2>&1 | sed 's/^/  route: /'
      ip -6 route show 2>&1 | sed 's/^/  route6: /'
      [ ! -r /etc/resolv.conf ] || sed 's/^/  resolv.conf: /' /etc/resolv.conf
      for _f in /run/initramfs/net/lease.* /run/initramfs/net/error.* /run/initramfs/net/lease6.* /run/initramfs/net/error6.*; do
        [ -r "$_f" ] && sed "s|^|  ${_f##*/}: |" "$_f"
      done
      echo
    fi
    if [ -r /proc/mdstat ]; then echo "md arrays (/proc/mdstat):"; sed 's/^/  /' /proc/mdstat; echo; fi
    if command -v dmsetup >/dev/null 2>&1; then echo "device-mapper devices:"; dmsetup ls 2>&1 | sed 's/^/  /'; echo; fi
    if command -v lvm >/dev/null 2>&1; then echo "LVM volumes:"; lvm lvs 2>&1 | sed 's/^/  /'; echo; fi
    echo "loaded modules:"
    sed 's/ .*//; s/^/  /' /proc/modules 2>/dev/null
    echo
    echo "kernel messages (last 40 lines):"
    dmesg 2>/dev/null | tail -n 40 | sed 's/^/  /'
  } >/run/initramfs/rdsosreport.txt 2>&1
}

# report_summary: the short form of the report for the console: from the block devices seen up to the
# list of loaded modules (the modaliases nobody claims and the modules that failed to load among them).
report_summary() {
  sed -n '/^block devices seen:/,/^loaded modules:/p' /run/initramfs/rdsosreport.txt | sed '$d'
  echo "A full report is in /run/initramfs/rdsosreport.txt"
}

# A shell with the console as its controlling terminal, so Ctrl-C works: busybox's cttyhack, or
# util-linux's setsid -c (-w: wait for the shell even when setsid had to fork).
interactive_shell() {
  if [ -c /dev/ttyS0 ] || [ -c /dev/console ]; then
    if command -v cttyhack >/dev/null 2>&1; then
      setsid cttyhack sh -i || sh -i
    else
      setsid -w -c sh -i || sh -i
    fi
  else
    sh -i
  fi
}

# emergency REASON KIND: report and stop here. With rd.shell=0 reboot instead of a shell.
# EMERGENCIES counts them: /init does not add its own "no device matched root=" right after a timeout
# hook's (a second report of the same failure).
emergency() {
  EMERGENCIES=$((${EMERGENCIES:-0} + 1))
  # the report names devices without a driver: let the loads coldplug started finish first
  coldplug_wait
  write_report "$1"
  echo
  printf 'mkinitramfs-ts: cannot boot: %s\n' "$1"
  report_summary
  if getargbool 1 rd.shell; then
    echo "Dropping to an emergency shell; exit it to try again."
    interactive_shell
  else
    echo "rd.shell=0: rebooting in 5 seconds."
    sleep 5
    sync
    reboot -f
    # no working reboot (systemd's is systemctl): reset through sysrq
    echo b >/proc/sysrq-trigger 2>/dev/null
    exit 1
  fi
}
