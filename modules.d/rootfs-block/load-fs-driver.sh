# pre-mount hook: load the root file system's driver (and its soft dependencies) before fsck and mount.
if [ -n "$ROOT_FSTYPE" ] && ! grep -qw "$ROOT_FSTYPE" /proc/filesystems; then
  load_module "$ROOT_FSTYPE" || load_module "fs-$ROOT_FSTYPE" || warn "no driver for file system $ROOT_FSTYPE in this image"
fi
