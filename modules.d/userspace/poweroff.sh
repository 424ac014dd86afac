#!/bin/sh
# poweroff of an image without busybox (systemd's poweroff is systemctl, which needs systemd running):
# flush and power off at once through sysrq, whatever the arguments (/init only ever means -f).
sync
echo o >/proc/sysrq-trigger
# still here: sysrq-trigger is missing (CONFIG_MAGIC_SYSRQ unset)
echo "poweroff: cannot power off (no /proc/sysrq-trigger)" >&2
exit 1
