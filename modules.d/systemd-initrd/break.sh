#!/bin/sh
# ExecStart= of the services mkinitramfs-ts-break writes for rd.break=STAGE (feature systemd-initrd): a
# shell on the console; exiting it lets the boot go on. With rd.shell=0 no shell opens (said, and the
# boot goes on). Nothing from the command line is eval-ed.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
. /lib/mkinitramfs-ts/messages.sh
. /lib/mkinitramfs-ts/cmdline.sh
read_cmdline
if ! getargbool 1 rd.shell; then
  echo "mkinitramfs-ts: rd.break=$1: no shell (rd.shell=0); going on"
  exit 0
fi
echo "mkinitramfs-ts: rd.break=$1: break before continuing; exit the shell to go on"
cd /root 2>/dev/null || cd /
sh -i
exit 0
