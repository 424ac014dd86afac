# timeout hook: the root did not appear; start arrays still missing members degraded and give the
# initqueue one more round, so what sits on them (LUKS, LVM, the root itself) is found.
if getargbool 1 rd.md; then
  . /lib/mkinitramfs-ts/md-lib.sh
  if md_inactive; then
    md_start_degraded
    run_hooks initqueue
  fi
fi
