#!/bin/sh
# Run by mkinitramfs-ts-keymap.service (systemd as PID 1): the same keymap as the shell /init loads.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
. /lib/mkinitramfs-ts/messages.sh
. /lib/mkinitramfs-ts/cmdline.sh
. /lib/mkinitramfs-ts/keymap-lib.sh
read_cmdline
keymap_load
exit 0
