# initqueue hook: once the network is up, attach the NBD device (a try every 3 s until the wait for root
# runs out); then, for root=nbd:, ROOT_DEV is the nbd device (netroot=nbd: leaves root= to the disk
# features).
if [ -n "$NBD_ROOT" ] && [ -z "$NBD_ATTACHED" ] && [ -z "$ROOT_DEV" ] && [ -n "$NET_UP" ]; then
  if [ -z "$NBD_LOADED" ]; then
    NBD_LOADED=1
    load_module nbd || [ $? -eq 2 ] || [ -e /sys/module/nbd ] || warn "nbd: no nbd module in this image"
  fi
  IFS=. read -r _nbd_now _ </proc/uptime
  # NBD's own budget: rd.timeout from the moment the network came up (that may have taken most of the
  # root's wait), so the wait for root ends no earlier than that
  if [ -z "$NBD_START" ]; then
    NBD_START=$_nbd_now
    [ "$ROOT_TIMEOUT_S" -le 0 ] || ROOT_WAIT_UNTIL=$((NBD_START + ROOT_TIMEOUT_S))
  fi
  if [ ! -b "$NBD_DEVICE" ]; then
    # not the server's fault: say so, rather than "no answer" when the wait ends
    if [ -e /sys/module/nbd ]; then
      NBD_LAST_ERROR="$NBD_DEVICE does not exist although the nbd module is loaded (nbds_max=0?)"
    else
      NBD_LAST_ERROR="$NBD_DEVICE does not exist: the nbd module is missing from this image or the kernel refused it (see the modules that failed to load)"
    fi
  elif [ "$_nbd_now" -ge "${NBD_NEXT_TRY:-0}" ]; then
    NBD_NEXT_TRY=$((_nbd_now + 3))
    if nbd_connect; then
      info "nbd: $NBD_DEVICE is $NBD_SERVER:${NBD_EXPORT:-$NBD_PORT}"
      NBD_ATTACHED=1
      if [ -n "$NBD_AS_ROOT" ]; then
        ROOT_DEV=$NBD_DEVICE
        ROOT_FSTYPE=$NBD_FSTYPE
        if [ -z "$ROOT_FSTYPE" ]; then
          blkid_value "$ROOT_DEV" TYPE
          ROOT_FSTYPE=$BLKID_VALUE
        fi
      fi
    else
      warn "nbd: cannot attach $NBD_SERVER:${NBD_EXPORT:-$NBD_PORT}: $NBD_LAST_ERROR"
    fi
  fi
fi
