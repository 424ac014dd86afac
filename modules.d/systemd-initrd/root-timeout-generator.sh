#!/bin/sh
# A systemd generator (feature systemd-initrd): how long systemd waits for the root device. The shell
# /init's setting applies in this mode too: rd.timeout= (else rootdelay=, else rd.retry=) in seconds,
# 0 for ever, else the image's --root-timeout (ROOT_TIMEOUT in image.conf), else 60 s -- instead of
# systemd's 90 s. The device unit systemd-fstab-generator makes for root= (named as
# systemd-root-unit.sh says; root= from the kernel or embedded in the image) waits for ever, in a
# drop-in that sorts before fstab-generator's (rootflags=x-systemd.device-timeout= still wins), and
# mkinitramfs-ts-root-wait.service, pulled into initrd-root-device.target here, counts the time
# instead: a device timeout would also run while a passphrase prompt waits for its user.
# The command line is only compared and split (cmdline.sh), never eval-ed; a root= this does not
# understand is left to systemd's default. Arguments: the generator folders (normal, early, late).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
out=${1:-}
[ -n "$out" ] && [ -d "$out" ] || exit 0
. /lib/mkinitramfs-ts/messages.sh
. /lib/mkinitramfs-ts/cmdline.sh
. /lib/mkinitramfs-ts/timeouts.sh
. /lib/mkinitramfs-ts/systemd-root-unit.sh
[ -r /etc/mkinitramfs-ts/image.conf ] && . /etc/mkinitramfs-ts/image.conf
read_cmdline
root_timeout 2>/dev/kmsg

argval root && root_unit "$ARGVAL" || exit 0

said="for ever"
if [ "$ROOT_TIMEOUT_S" -gt 0 ]; then
  said="${ROOT_TIMEOUT_S}s"
  mkdir -p "$out/initrd-root-device.target.requires" &&
    ln -sf /usr/lib/systemd/system/mkinitramfs-ts-root-wait.service "$out/initrd-root-device.target.requires/mkinitramfs-ts-root-wait.service"
fi
mkdir -p "$out/$ROOT_UNIT.d" || exit 0
printf '# mkinitramfs-ts: the wait is bounded by mkinitramfs-ts-root-wait.service (rd.timeout=)\n[Unit]\nJobRunningTimeoutSec=infinity\n' \
  >"$out/$ROOT_UNIT.d/40-mkinitramfs-ts-root-timeout.conf"
echo "<6>mkinitramfs-ts: waiting $said for the root device $ROOT_DEV" >/dev/kmsg 2>/dev/null
exit 0
