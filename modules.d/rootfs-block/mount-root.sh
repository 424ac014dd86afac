# mount hook: mount the root device on /sysroot, read-only unless rw is the last of ro/rw given.
_mode=ro
set -f
for _w in $CMDLINE; do case "$_w" in ro) _mode=ro ;; rw) _mode=rw ;; esac; done
set +f
_flags=$(getarg rootflags) || _flags=
_type=${ROOT_FSTYPE:+-t $ROOT_FSTYPE}
# shellcheck disable=SC2086 # _type is either empty or "-t TYPE" with TYPE from blkid/rootfstype (no spaces)
if ! mount $_type -o "$_mode${_flags:+,$_flags}" "$ROOT_DEV" /sysroot; then
  emergency "cannot mount $ROOT_DEV (${ROOT_FSTYPE:-unknown type}) on /sysroot with options $_mode${_flags:+,$_flags}: $(dmesg | tail -n 3 | tr '\n' ' ')" mount
fi
