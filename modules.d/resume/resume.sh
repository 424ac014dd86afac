# pre-mount hook (before fsck and mount, which write to disks): if resume= names a swap device that
# holds a hibernation image, the kernel restores it now and this boot ends here; otherwise the kernel
# reports that there is no image and the boot goes on.
argval resume
_rs_spec=$ARGVAL
if [ -n "$_rs_spec" ] && [ "$_rs_spec" != 1 ] && ! getargbool 0 noresume; then
  . /lib/mkinitramfs-ts/root-device.sh
  if [ ! -w /sys/power/resume ]; then
    warn "resume=$_rs_spec: this kernel cannot resume from hibernation (no /sys/power/resume)"
  elif find_device "$_rs_spec"; then
    _rs_dev=$FOUND_DEVICE
    _rs_name=$(basename "$(readlink -f "$_rs_dev")")
    if read -r _rs_majmin <"/sys/class/block/$_rs_name/dev"; then
      if argval resume_offset; then
        _rs_off=$ARGVAL
        case "$_rs_off" in ''|*[!0-9]*) warn "ignoring resume_offset=$_rs_off: not a number" ;;
          *) echo "$_rs_off" >/sys/power/resume_offset ;; esac
      fi
      info "resume: looking for a hibernation image on $_rs_dev ($_rs_majmin)"
      if echo "$_rs_majmin" >/sys/power/resume; then
        info "resume: no hibernation image on $_rs_dev, booting normally"
      else
        warn "resume: the kernel refused $_rs_dev ($_rs_majmin) as resume device"
      fi
    fi
  else
    info "resume: $_rs_spec not found, booting normally"
  fi
fi
