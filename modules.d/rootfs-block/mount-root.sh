# mount hook: mount the root device on /sysroot, read-only unless rw is the last of ro/rw given. A
# network root that is no block device (nfs) is mounted by its own feature already: nothing to do then.
if ! is_mounted /sysroot; then
  _mode=ro
  set -f
  for _w in $CMDLINE; do case "$_w" in ro) _mode=ro ;; rw) _mode=rw ;; esac; done
  set +f
  argval rootflags
  _flags=$ARGVAL
  if [ -n "$ROOT_FSTYPE" ]; then
    mount -t "$ROOT_FSTYPE" -o "$_mode${_flags:+,$_flags}" "$ROOT_DEV" /sysroot
  else
    mount -o "$_mode${_flags:+,$_flags}" "$ROOT_DEV" /sysroot
  fi
  if ! is_mounted /sysroot; then
    emergency "cannot mount $ROOT_DEV (${ROOT_FSTYPE:-unknown type}) on /sysroot with options $_mode${_flags:+,$_flags}: $(dmesg | tail -n 3 | tr '\n' ' ')" mount
  fi
fi
