# pre-pivot hook: the real root's init must be there; with systemd, let it know what the initramfs did.
if [ -x /sysroot/lib/systemd/systemd ] || [ -x /sysroot/usr/lib/systemd/systemd ]; then
  info "handing over to systemd on $ROOT_DEV"
  # systemd-fsck-root.service is skipped when /run/initramfs/fsck-root exists (written by fsck).
  mkdir -p /run/systemd
fi
