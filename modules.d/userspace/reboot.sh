#!/bin/sh
# reboot of an image without busybox (systemd's reboot is systemctl, which needs systemd running):
# flush and reset at once through sysrq, whatever the arguments (/init only ever means -f).
sync
echo b >/proc/sysrq-trigger
# still here: sysrq-trigger is missing (CONFIG_MAGIC_SYSRQ unset)
echo "reboot: cannot reboot (no /proc/sysrq-trigger)" >&2
exit 1
