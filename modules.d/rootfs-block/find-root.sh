# initqueue hook: look for the device root= names; sets ROOT_DEV and ROOT_FSTYPE when found.
. /lib/mkinitramfs-ts/root-device.sh
if [ -z "$ROOT_DEV" ]; then
  _root=$(getarg root) || _root=
  case "$_root" in
    ''|1)
      emergency "no root= on the kernel command line and none embedded in the image: add root=UUID=... (see blkid)" no-root ;;
    *)
      if _dev=$(find_root_device "$_root"); then
        ROOT_DEV=$_dev
        ROOT_FSTYPE=$(getarg rootfstype) || ROOT_FSTYPE=$(blkid_tag "$ROOT_DEV" TYPE)
      fi ;;
  esac
fi
