# cmdline hook: check root=nbd:... or netroot=nbd:... once (the network feature brings the network up
# for either). root=nbd: makes the NBD device the root; netroot=nbd: only attaches it and root= names
# the root on it as for a local disk (root=UUID= of a file system inside LUKS or LVM on the NBD device:
# the storage features run in the same initqueue rounds, after the device appears).
command -v nbd_parse >/dev/null || . /lib/mkinitramfs-ts/nbd-lib.sh
NBD_AS_ROOT=''
if argval root && case "$ARGVAL" in nbd:*) true ;; *) false ;; esac; then
  NBD_AS_ROOT=1 _nbd_key=root
elif argval netroot && case "$ARGVAL" in nbd:*) true ;; *) false ;; esac; then
  _nbd_key=netroot
else
  _nbd_key=''
fi
if [ -n "$_nbd_key" ]; then
  if ! nbd_parse "${ARGVAL#nbd:}"; then
    emergency "$_nbd_key=$ARGVAL: $NBD_ERROR (the form is nbd:SERVER:PORT_OR_EXPORT[:FSTYPE[:FLAGS[:NBDOPTS]]])" nbd
  fi
  NBD_ROOT=$ARGVAL
  # FLAGS are the root's mount options unless rootflags= is given
  if [ -n "$NBD_FLAGS" ] && ! argval rootflags; then CMDLINE="$CMDLINE rootflags=$NBD_FLAGS"; fi
fi
