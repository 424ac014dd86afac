# initqueue hook: open LUKS containers as they appear. Runs again only when the kernel's block device
# list changed; each container is tried once (a key file, else up to three passphrases).
if [ -z "$ROOT_DEV" ] && getargbool 1 rd.luks; then
  _crypt_now=$(cat /proc/partitions)
  if [ "$_crypt_now" != "$CRYPT_SEEN" ]; then
    CRYPT_SEEN=$_crypt_now
    . /lib/mkinitramfs-ts/crypt-lib.sh
    crypt_open_all
  fi
fi
