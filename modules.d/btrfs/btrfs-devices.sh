# pre-mount hook: the kernel mounts a multi-device btrfs only once every member was registered with
# it (udev does this on a running system). Register what is there; wait up to half the root timeout
# for missing members (rd.timeout=0: for ever, as for the root itself). Mounting without them needs
# rootflags=degraded, which is then the user's call.
if [ "$ROOT_FSTYPE" = btrfs ]; then
  load_module btrfs || [ $? -eq 2 ] || warn "no btrfs module in this image"
  btrfs device scan >/dev/null 2>&1
  _bt_start=$(uptime_s)
  root_timeout
  _bt_wait=$(((ROOT_TIMEOUT_S + 1) / 2)) _bt_said=
  [ "$_bt_wait" -gt 0 ] || _bt_wait=
  until btrfs device ready "$ROOT_DEV" >/dev/null 2>&1; do
    if [ -n "$_bt_wait" ] && [ $(($(uptime_s) - _bt_start)) -ge "$_bt_wait" ]; then
      warn "btrfs on $ROOT_DEV: not every device of the file system appeared within ${_bt_wait}s; mounting may need rootflags=degraded"
      break
    fi
    [ -n "$_bt_said" ] || info "btrfs on $ROOT_DEV: waiting for the other devices of the file system${_bt_wait:+ (up to ${_bt_wait}s)}"
    _bt_said=1
    sleep 0.5 2>/dev/null || sleep 1
    coldplug
    btrfs device scan >/dev/null 2>&1
  done
fi
