# cmdline hook: check root=nbd:... once (the network feature brings the network up for it).
command -v nbd_parse >/dev/null || . /lib/mkinitramfs-ts/nbd-lib.sh
argval root
case "$ARGVAL" in
  nbd:*)
    if ! nbd_parse "${ARGVAL#nbd:}"; then
      emergency "root=$ARGVAL: $NBD_ERROR (the form is nbd:SERVER:PORT_OR_EXPORT[:FSTYPE[:FLAGS[:NBDOPTS]]])" nbd
    fi
    NBD_ROOT=$ARGVAL
    # FLAGS are the root's mount options unless rootflags= is given
    if [ -n "$NBD_FLAGS" ] && ! argval rootflags; then CMDLINE="$CMDLINE rootflags=$NBD_FLAGS"; fi ;;
esac
