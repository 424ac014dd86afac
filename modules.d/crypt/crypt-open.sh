# initqueue hook: open LUKS containers as they appear. Runs again only when the kernel's block device
# list changed; each container is tried once (a key file, else up to three passphrases).
if [ -z "$ROOT_DEV" ] && getargbool 1 rd.luks; then
  read_partitions
  if [ "$PARTITIONS" != "$CRYPT_SEEN" ]; then
    CRYPT_SEEN=$PARTITIONS
    # nothing to open (and no library to read) unless some device is a LUKS container
    if have_block_type crypto_LUKS; then
      . /lib/mkinitramfs-ts/crypt-lib.sh
      crypt_open_all
    fi
  fi
fi
