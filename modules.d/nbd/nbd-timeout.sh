# timeout hook: the NBD root was not attached within its budget (rd.timeout from the moment the network
# came up); say to what and why (the report adds the network). A wait after the shell starts a new budget.
if [ -n "$NBD_ROOT" ] && [ -z "$NBD_ATTACHED" ] && [ -z "$ROOT_DEV" ] && [ -n "$NET_UP" ]; then
  NBD_START=''
  emergency "nbd: no NBD root from $NBD_SERVER:${NBD_EXPORT:-$NBD_PORT} after ${ROOT_TIMEOUT_S}s: ${NBD_LAST_ERROR:-no answer}" nbd
fi
