# initqueue hook: assemble md arrays as their members appear (rd.md=0 disables). An array still
# missing members half the root timeout after its first member showed up is started degraded.
if [ -z "$ROOT_DEV" ] && getargbool 1 rd.md; then
  . /lib/mkinitramfs-ts/md-lib.sh
  _md_now=$(cat /proc/partitions)
  if [ "$_md_now" != "$MD_SEEN" ]; then
    MD_SEEN=$_md_now
    md_add_members
  fi
  if [ -n "$MD_FIRST_SEEN" ] && [ -z "$MD_DEGRADED_TRIED" ] && md_inactive; then
    if [ $(($(uptime_s) - MD_FIRST_SEEN)) -ge $(($(root_timeout) / 2)) ]; then
      MD_DEGRADED_TRIED=1
      md_start_degraded
    fi
  fi
fi
