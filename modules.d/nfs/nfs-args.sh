# cmdline hook: check root=nfs:/nfs4:, root=/dev/nfs with nfsroot=, root=dhcp once (the network feature
# brings the network up for them).
command -v nfs_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/nfs-lib.sh
if ! nfs_read_cmdline; then
  emergency "nfs: $NFS_ERROR (the forms are root=nfs:[SERVER:]/PATH[:OPTIONS], root=nfs4:…, root=/dev/nfs nfsroot=[SERVER:]/PATH[,OPTIONS], root=dhcp)" nfs
fi
