# timeout hook: the NBD root was not attached in time; say to what and why (the report adds the network).
if [ -n "$NBD_ROOT" ] && [ -z "$NBD_ATTACHED" ] && [ -z "$ROOT_DEV" ] && [ -n "$NET_UP" ]; then
  emergency "nbd: no NBD root from $NBD_SERVER:${NBD_EXPORT:-$NBD_PORT} after ${ROOT_TIMEOUT_S}s: ${NBD_LAST_ERROR:-no answer}" nbd
fi
