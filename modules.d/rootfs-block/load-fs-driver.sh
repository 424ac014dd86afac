# pre-mount hook: load the root file system's driver (and its soft dependencies) before fsck and mount.
if [ -n "$ROOT_FSTYPE" ]; then
  _fs_have=
  while read -r _fs_a _fs_b; do
    # "nodev NAME" or "\tNAME"
    [ "${_fs_b:-$_fs_a}" = "$ROOT_FSTYPE" ] && { _fs_have=1; break; }
  done </proc/filesystems
  if [ -z "$_fs_have" ]; then
    # status 1: no module of that name (try the fs- alias); 2: it failed to load, and load_module said why
    load_module "$ROOT_FSTYPE"
    _fs_st=$?
    if [ "$_fs_st" -eq 1 ]; then load_module "fs-$ROOT_FSTYPE"; _fs_st=$?; fi
    [ "$_fs_st" -eq 1 ] && warn "no driver for file system $ROOT_FSTYPE in this image"
  fi
fi
