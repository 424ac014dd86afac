# initqueue hook: look for the device root= names; sets ROOT_DEV and ROOT_FSTYPE when found.
if [ -z "$ROOT_DEV" ]; then
  # read once, not on every round of the wait
  if ! command -v find_device >/dev/null; then
    . /lib/mkinitramfs-ts/root-device.sh
  fi
  argval root
  _root=$ARGVAL
  case "$_root" in
    ''|1)
      emergency "no root= on the kernel command line and none embedded in the image: add root=UUID=... (see blkid)" no-root ;;
    *)
      if find_device "$_root"; then
        ROOT_DEV=$FOUND_DEVICE
        ROOT_FSTYPE=
        if argval rootfstype; then
          # a file system type is a plain name: never an option of mount or modprobe
          case "$ARGVAL" in
            ''|-*|*[!A-Za-z0-9._+-]*) warn "ignoring rootfstype=$ARGVAL: not a file system type; using the one blkid reports" ;;
            *) ROOT_FSTYPE=$ARGVAL ;;
          esac
        fi
        if [ -z "$ROOT_FSTYPE" ]; then
          blkid_value "$ROOT_DEV" TYPE
          ROOT_FSTYPE=$BLKID_VALUE
        fi
      fi ;;
  esac
fi
