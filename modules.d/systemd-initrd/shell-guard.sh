#!/bin/sh
# ExecStartPre= of emergency.service and rescue.service (feature systemd-initrd): with rd.shell=0 no
# root shell may open, however the target was reached (a failed root, rd.emergency, rd.rescue,
# rd.systemd.unit=rescue.target ...): say so and reboot. Nothing from the command line is eval-ed.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
. /lib/mkinitramfs-ts/messages.sh
. /lib/mkinitramfs-ts/cmdline.sh
read_cmdline
getargbool 1 rd.shell && exit 0
echo "mkinitramfs-ts: rd.shell=0: no ${1:-root} shell; rebooting in 5 seconds." >/dev/console
sleep 5
sync
systemctl --force --force reboot
echo b >/proc/sysrq-trigger
exit 1
