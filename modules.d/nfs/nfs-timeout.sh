# timeout hook: the NFS root was not mounted in time; say from where and why (the report adds the network).
if [ -n "$NFS_ROOT" ] && [ -z "$ROOT_DEV" ] && [ -n "$NET_UP" ]; then
  emergency "nfs: no NFS root from ${NFS_SERVER:-?}:${NFS_PATH:-?} after ${ROOT_TIMEOUT_S}s: ${NFS_LAST_ERROR:-no answer}" nfs
fi
