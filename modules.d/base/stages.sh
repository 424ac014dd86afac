# The boot stages of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash): running a stage's
# hooks, rd.break, and whether the mount stage mounted the root. Sourced, never executed.

# run_hooks STAGE: source the stage's hooks in name order (NN-feature-script.sh, as the generator names them).
run_hooks() {
  for _h in /lib/mkinitramfs-ts/hooks/"$1"/*.sh; do
    [ -r "$_h" ] || continue
    . "$_h"
  done
}

# stage_break STAGE: rd.break=STAGE (or rd.break alone, meaning pre-pivot) opens a shell; exiting continues.
stage_break() {
  argval rd.break || return 0
  _b=$ARGVAL
  [ "$_b" = 1 ] && _b=pre-pivot
  case ",$_b," in
    *",$1,"*) info "rd.break=$1: break before continuing; exit the shell to go on"; interactive_shell ;;
  esac
}

# is_mounted DIR: something is mounted on DIR (from /proc/mounts; busybox may lack mountpoint).
is_mounted() {
  while read -r _src _dst _rest; do [ "$_dst" = "$1" ] && return 0; done </proc/mounts
  return 1
}
