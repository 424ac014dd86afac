#!/bin/sh
# mkinitramfs-ts-root-wait.service (feature systemd-initrd; the root-timeout generator pulls it into
# initrd-root-device.target): how long systemd waits for the root device, as the shell /init counts
# it. rd.timeout= (else rootdelay=, else rd.retry=), else the image's --root-timeout, else 60 s.
# Seconds in which systemd asks for a passphrase (a file /run/systemd/ask-password/ask.*) do not
# count: a LUKS root waits for its user, as at the shell /init's prompt, and does not fail a minute
# after the prompt came up. When the time is up it fails, so initrd-root-device.target fails and
# emergency.target (the failure report) follows. The device unit itself waits for ever (the generator
# sets that), so that only this count decides. Nothing from the command line is eval-ed.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
. /lib/mkinitramfs-ts/messages.sh
. /lib/mkinitramfs-ts/cmdline.sh
. /lib/mkinitramfs-ts/timeouts.sh
. /lib/mkinitramfs-ts/systemd-root-unit.sh
[ -r /etc/mkinitramfs-ts/image.conf ] && . /etc/mkinitramfs-ts/image.conf
read_cmdline
root_timeout 2>/dev/null
argval root && root_unit "$ARGVAL" || exit 0
[ "$ROOT_TIMEOUT_S" -gt 0 ] || exit 0

# quarter seconds not spent at a passphrase prompt
quarters=0 limit=$((ROOT_TIMEOUT_S * 4)) asked=
while [ ! -e "$ROOT_DEV" ]; do
  set -- /run/systemd/ask-password/ask.*
  if [ -e "$1" ]; then
    [ -n "$asked" ] || echo "<6>mkinitramfs-ts: a passphrase is asked for: the wait for the root device $ROOT_DEV pauses" >/dev/kmsg 2>/dev/null
    asked=1
  else
    quarters=$((quarters + 1))
    if [ "$quarters" -ge "$limit" ]; then
      echo "<3>mkinitramfs-ts: the root device $ROOT_DEV did not appear within ${ROOT_TIMEOUT_S}s" >/dev/kmsg 2>/dev/null
      echo "mkinitramfs-ts: the root device $ROOT_DEV did not appear within ${ROOT_TIMEOUT_S}s"
      exit 1
    fi
  fi
  nap 0.25
done
exit 0
