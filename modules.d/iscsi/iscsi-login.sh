# initqueue hook: once the network is up, log in to the iSCSI target (a try every 3 s until the wait for
# root runs out); the LUN's disk then appears and root= (rootfs-block, and the storage features between)
# finds the root on it.
if [ -n "$ISCSI_WANTED" ] && [ -z "$ISCSI_UP" ] && [ -z "$ROOT_DEV" ] && [ -n "$NET_UP" ]; then
  if [ -z "$ISCSI_LOADED" ]; then
    ISCSI_LOADED=1
    load_module iscsi_tcp || [ $? -eq 2 ] || [ -e /sys/module/iscsi_tcp ] || warn "iscsi: no iscsi_tcp module in this image"
    load_module sd_mod || [ $? -eq 2 ] || [ -e /sys/module/sd_mod ] || warn "iscsi: no sd_mod module in this image"
    # rd.iscsi.firmware: iscsistart -b reads the iBFT from /sys/firmware/ibft
    if [ -n "$ISCSI_FIRMWARE" ] && [ ! -d /sys/firmware/ibft ]; then
      load_module iscsi_ibft || [ $? -eq 2 ] || warn "iscsi: rd.iscsi.firmware: no iscsi_ibft module in this image"
    fi
    iscsi_initiator
    iscsi_what
  fi
  IFS=. read -r _iscsi_now _ </proc/uptime
  if [ "$_iscsi_now" -ge "${ISCSI_NEXT_TRY:-0}" ]; then
    ISCSI_NEXT_TRY=$((_iscsi_now + 3))
    if iscsi_login; then
      ISCSI_UP=1
      : >"$ISCSI_DIR/up"
      info "iscsi: logged in to $ISCSI_WHAT as $ISCSI_INITIATOR${ISCSI_USER:+ (CHAP user $ISCSI_USER${ISCSI_IN_USER:+, mutual})}"
    else
      warn "iscsi: cannot log in to $ISCSI_WHAT: $ISCSI_LAST_ERROR"
    fi
  fi
fi
