#!/bin/sh
# Run by mkinitramfs-ts-failure-report.service when systemd in the image gives up on the root and
# reaches emergency.target: the same plain-words reason, console summary and
# /run/initramfs/rdsosreport.txt as the shell /init. With rd.shell=0 it reboots before
# emergency.service can start a root shell. Nothing from the command line is eval-ed.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p /run/initramfs
. /lib/mkinitramfs-ts/messages.sh
. /lib/mkinitramfs-ts/cmdline.sh
. /lib/mkinitramfs-ts/module-loads.sh
. /lib/mkinitramfs-ts/block-ids.sh
. /lib/mkinitramfs-ts/emergency.sh
. /lib/mkinitramfs-ts/root-device.sh
[ -r /etc/mkinitramfs-ts/image.conf ] && . /etc/mkinitramfs-ts/image.conf
read_cmdline

if argval root && [ -n "$ARGVAL" ] && [ "$ARGVAL" != 1 ]; then
  _root=$ARGVAL
  if find_device "$_root"; then
    _reason="root=$_root is $FOUND_DEVICE, but systemd could not check or mount it on /sysroot"
  else
    _reason="no device matched root=$_root (systemd stopped waiting for it)"
  fi
else
  _reason="no root= on the kernel command line and none embedded in the image: add root=UUID=... (see blkid)"
fi
_failed=$(systemctl --no-legend --plain list-units --state=failed 2>/dev/null | sed 's/ .*//' | tr '\n' ' ')
[ -n "$_failed" ] && _reason="$_reason; failed units: ${_failed% }"

write_report "$_reason"
echo
echo "mkinitramfs-ts: cannot boot: $_reason"
report_summary
getargbool 1 rd.shell && exit 0 # emergency.service opens the shell
echo "rd.shell=0: rebooting in 5 seconds."
sleep 5
sync
# straight to reboot(2): no job emergency.service could slip in before
systemctl --force --force reboot
echo b >/proc/sysrq-trigger
