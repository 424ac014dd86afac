# initqueue hook: assemble md arrays as their members appear (rd.md=0 disables). An array still
# missing members MEMBER_WAIT_S after its first member showed up (half the root timeout; with
# rd.timeout=0, half the image's default) is started degraded.
if [ -z "$ROOT_DEV" ] && getargbool 1 rd.md; then
  read_partitions
  if [ "$PARTITIONS" != "$MD_SEEN" ]; then
    MD_SEEN=$PARTITIONS
    # md_add_members looks at RAID members only: none, nothing to do
    if have_block_type linux_raid_member; then
      . /lib/mkinitramfs-ts/md-lib.sh
      md_add_members
    fi
  fi
  # MD_FIRST_SEEN is set once a member was handed to mdadm (md-lib.sh is loaded then)
  if [ -n "$MD_FIRST_SEEN" ] && [ -z "$MD_DEGRADED_TRIED" ] && md_inactive; then
    root_timeout
    if [ $(($(uptime_s) - MD_FIRST_SEEN)) -ge "$MEMBER_WAIT_S" ]; then
      MD_DEGRADED_TRIED=1
      md_start_degraded
    fi
  fi
fi
