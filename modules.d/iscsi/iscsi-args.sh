# cmdline hook: check netroot=iscsi:… and rd.iscsi.* once; an iSCSI root wants the network.
command -v iscsi_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/iscsi-lib.sh
if ! iscsi_read_cmdline; then
  emergency "iscsi: $ISCSI_ERROR (see dracut.cmdline(7) for the forms)" iscsi
fi
if [ -n "$ISCSI_WANTED" ]; then
  # the network feature (its cmdline hook ran before this one) brings the network up for us
  NET_WANTED=1
  mkdir -p "$NET_DIR" "$ISCSI_DIR"
  [ -z "$ISCSI_FIRMWARE" ] || [ -n "$ISCSI_TARGET" ] || info "iscsi: rd.iscsi.firmware: logging in to the targets the firmware (iBFT) names"
fi
