# timeout hook: the iSCSI root did not come in time; say to what and why (the report adds the network).
if [ -n "$ISCSI_WANTED" ] && [ -z "$ROOT_DEV" ] && [ -n "$NET_UP" ]; then
  iscsi_what
  if [ -z "$ISCSI_UP" ]; then
    emergency "iscsi: no login to $ISCSI_WHAT after ${ROOT_TIMEOUT_S}s: ${ISCSI_LAST_ERROR:-no answer}" iscsi
  else
    iscsi_lun_devices
    argval root
    emergency "iscsi: logged in to $ISCSI_WHAT, but root=$ARGVAL is not on its disks (${ISCSI_DEVICES:-no LUN with a disk}) after ${ROOT_TIMEOUT_S}s" iscsi
  fi
fi
