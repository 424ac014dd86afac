# initqueue hook: once the network is up, mount the NFS root on /sysroot (a try every 3 s, each bounded,
# until the wait for root runs out); then ROOT_DEV is SERVER:PATH and the mount stage has nothing to do.
if [ -n "$NFS_ROOT" ] && [ -z "$ROOT_DEV" ] && [ -n "$NET_UP" ]; then
  if [ -z "$NFS_LOADED" ]; then
    NFS_LOADED=1
    # status 1: not in the image (built in, or the kernel asks for it itself); 2: said why already
    load_module nfs || [ $? -eq 2 ] || [ -e /sys/module/nfs ] || warn "nfs: no nfs module in this image"
  fi
  IFS=. read -r _nfs_now _ </proc/uptime
  if [ "$_nfs_now" -ge "${NFS_NEXT_TRY:-0}" ]; then
    if ! nfs_resolve; then
      emergency "nfs: $NFS_ERROR" nfs
    else
      if nfs_mount; then
        ROOT_DEV=$NFS_SERVER:$NFS_PATH
        if [ "${NFS_VERSION%%.*}" = 4 ]; then ROOT_FSTYPE=nfs4; else ROOT_FSTYPE=nfs; fi
        info "nfs: $ROOT_DEV mounted on $NFS_MOUNTPOINT (NFSv$NFS_VERSION, $NFS_MOUNT_OPTS)"
      else
        IFS=. read -r _nfs_now _ </proc/uptime
        NFS_NEXT_TRY=$((_nfs_now + NFS_RETRY_S))
        warn "nfs: cannot mount $NFS_SERVER:$NFS_PATH: $NFS_LAST_ERROR"
      fi
    fi
  fi
fi
