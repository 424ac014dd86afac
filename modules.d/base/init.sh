#!/bin/sh
# /init of an mkinitramfs-ts image: mount the API file systems, read the command line, load drivers,
# wait for root, fsck and mount it, then hand over to the real init. Features attach hooks to the
# stages below (/lib/mkinitramfs-ts/hooks/STAGE/*.sh, sourced in name order).
# Nothing read from the kernel command line is ever eval-ed: values are only compared and quoted.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
umask 022

# Every fork and exec costs milliseconds under emulation: mkdir runs only for what is missing.
for d in /proc /sys /dev /run /sysroot /tmp; do [ -d "$d" ] || mkdir -p "$d"; done
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
# CONFIG_DEVTMPFS_MOUNT is often unset: mount devtmpfs ourselves.
if ! mount -t devtmpfs -o mode=0755,nosuid devtmpfs /dev 2>/dev/null; then
  mount -t tmpfs -o mode=0755,nosuid tmpfs /dev
  mknod -m 600 /dev/console c 5 1
  mknod -m 666 /dev/null c 1 3
fi
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /dev/pts /dev/shm /run/initramfs
mount -t devpts -o gid=5,mode=620,noexec,nosuid devpts /dev/pts 2>/dev/null
exec </dev/console >/dev/console 2>&1

. /lib/mkinitramfs-ts/messages.sh
. /lib/mkinitramfs-ts/cmdline.sh
. /lib/mkinitramfs-ts/timeouts.sh
. /lib/mkinitramfs-ts/stages.sh
. /lib/mkinitramfs-ts/module-loads.sh
. /lib/mkinitramfs-ts/coldplug.sh
. /lib/mkinitramfs-ts/block-ids.sh
. /lib/mkinitramfs-ts/emergency.sh
[ -r /etc/mkinitramfs-ts/image.conf ] && . /etc/mkinitramfs-ts/image.conf
read_cmdline
getargbool 0 rd.debug && set -x
read -r KERNEL_RELEASE </proc/sys/kernel/osrelease
info "mkinitramfs-ts: kernel $KERNEL_RELEASE, image for ${IMAGE_KVER:-?} (${IMAGE_MODE:-generic})"

run_hooks cmdline
stage_break cmdline

# /etc/modprobe.d/mkinitramfs-ts-no-wait.conf (written by the generator) keeps device-less modules
# from waiting for device probes.
load_forced_drivers
run_hooks pre-trigger
stage_break pre-trigger

# Coldplug and wait: buses appear only after their controllers' drivers load, so plug again on every
# round until a hook (rootfs-block) has found the root device or the time is up. Drivers load in the
# background meanwhile: rounds follow each other quickly while the kernel is adding devices, and a
# quiet round costs a few reads of /proc and /sys.
root_timeout
IFS=. read -r start _ </proc/uptime
ROOT_DEV=
while :; do
  coldplug
  blkid_refresh
  run_hooks initqueue
  [ -n "$ROOT_DEV" ] && break
  IFS=. read -r now _ </proc/uptime
  # rd.timeout=0 waits for ever, as with dracut; a hook may push the end (ROOT_WAIT_UNTIL)
  if root_wait_over "$now" "$start"; then
    coldplug_wait
    emergencies=${EMERGENCIES:-0}
    run_hooks timeout
    # one more round: a timeout hook may have brought up the device (a degraded array)
    coldplug
    blkid_refresh
    run_hooks initqueue
    [ -n "$ROOT_DEV" ] && break
    argval root
    # a timeout hook that stopped with its own reason (the network, the NBD server) said it all
    [ "${EMERGENCIES:-0}" != "$emergencies" ] || emergency "no device matched root=$ARGVAL after ${ROOT_TIMEOUT_S}s" root-timeout
    ROOT_WAIT_UNTIL=
    IFS=. read -r start _ </proc/uptime
    continue
  fi
  if [ -n "$COLDPLUG_CHANGED" ]; then nap 0.05; else nap 0.1; fi
done
info "root device: $ROOT_DEV"

run_hooks pre-mount
stage_break pre-mount
run_hooks mount
if ! is_mounted /sysroot; then
  emergency "the root file system ($ROOT_DEV) is not mounted on /sysroot" mount
fi
stage_break mount

argval init
NEW_INIT=$ARGVAL
[ -n "$NEW_INIT" ] || NEW_INIT=/sbin/init
if [ ! -x "/sysroot$NEW_INIT" ] && [ ! -L "/sysroot$NEW_INIT" ]; then
  emergency "init $NEW_INIT not found on the root file system ($ROOT_DEV); set init= on the kernel command line" init
fi

run_hooks pre-pivot
stage_break pre-pivot
run_hooks cleanup
# no module load of ours outlives the initramfs
coldplug_wait

# Hand the API file systems to the new root; /run carries our state (and rdsosreport) along.
for m in /run /dev /proc /sys; do
  mkdir -p "/sysroot$m" 2>/dev/null
  mount --move "$m" "/sysroot$m" || mount -o bind "$m" "/sysroot$m"
done
info "switching root to $ROOT_DEV, init $NEW_INIT"
# shellcheck disable=SC2093 # the lines after it run only when switch_root could not be started
exec switch_root /sysroot "$NEW_INIT" "$@"
echo "mkinitramfs-ts: switch_root failed" >/dev/console
exec sh
