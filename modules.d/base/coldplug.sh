# Drivers for the devices the kernel announces, in the mkinitramfs-ts /init (POSIX sh: busybox ash, or
# dash): the forced drivers first, then coldplug rounds whose module loads run in the background.
# Sourced, never executed. Each modprobe's words are sorted by module-loads.sh.

# Modules named on the command line or in the image config are loaded before coldplug, in order.
load_forced_drivers() {
  # mostly none of these is given: no subshells then
  case "$CMDLINE" in *rd.driver.*|*modprobe.blacklist*) ;; *) [ -n "$FORCE_DRIVERS" ] || return 0 ;; esac
  set -f
  for _m in $(getargs rd.driver.blacklist) $(getargs modprobe.blacklist); do
    mkdir -p /etc/modprobe.d
    echo "blacklist $_m" >>/etc/modprobe.d/cmdline-blacklist.conf
  done
  for _m in $FORCE_DRIVERS $(getargs rd.driver.pre); do
    # status 2: it failed to load, and modprobe_checked said why
    modprobe_checked -b -- "$_m" || [ $? -eq 2 ] || warn "cannot load forced driver $_m: no module of that name in this image"
  done
  set +f
}

# coldplug: load the driver of every device the kernel has announced; only new modaliases are tried.
# The kernel counts its uevents (a device, a driver binding, a module): when the count has not moved
# since the last round, nothing new is there to see. COLDPLUG_CHANGED is set when it had moved.
coldplug() {
  [ -z "$COLDPLUG_PIDS" ] || coldplug_reap
  COLDPLUG_CHANGED=
  _seq=
  read -r _seq 2>/dev/null </sys/kernel/uevent_seqnum
  if [ -z "$_seq" ] || [ "$_seq" != "$COLDPLUG_SEQNUM" ]; then
    # shellcheck disable=SC2034 # COLDPLUG_CHANGED is read by /init
    COLDPLUG_SEQNUM=$_seq COLDPLUG_CHANGED=1
    _new=
    # Every device a driver can bind is on a bus; of the class devices only input devices and the
    # DMI table carry a modalias, and the CPU's own sits apart. Globs instead of `find
    # /sys/devices`, whose walk of all of sysfs takes ~0.4 s under emulation. A device's modalias
    # never changes: only the files not read before are read, by one cat.
    # Most rounds that see the count move only saw modules load (each load is a uevent): the
    # whole list, compared as one string, says so without a look at each file.
    _nl='
'
    _todo=
    set -- /sys/bus/*/devices/*/modalias /sys/class/input/*/modalias /sys/class/dmi/*/modalias /sys/devices/system/cpu/modalias
    _all="$*"
    if [ "$_all" != "$COLDPLUG_ALL" ]; then
      COLDPLUG_ALL=$_all
      _seen="$_nl$COLDPLUG_FILES"
      for _f; do
        case "$_seen" in *"$_nl$_f$_nl"*) continue ;; esac
        COLDPLUG_FILES="$COLDPLUG_FILES$_f$_nl"
        _todo="$_todo$_f$_nl"
      done
    fi
    if [ -n "$_todo" ]; then
      # a path and a modalias a line: split at newlines only, never glob-expand
      set -f
      _ifs=$IFS IFS=$_nl
      # shellcheck disable=SC2013,SC2086 # IFS is a newline: a line per word
      for _a in $(cat $_todo 2>/dev/null); do _coldplug_new "$_a"; done
      IFS=$_ifs
      set +f
    fi
    if [ -n "$_new" ]; then
      # One modprobe for the whole round: it reads the module database once, not once per device.
      # In the background: after its init, loading a module waits for every probe still running
      # (ahci's of its empty SATA ports take ~0.3 s), and the next rounds can load the drivers of
      # what the first ones brought up meanwhile. Each driver still probes its devices in bus
      # order, so their names stay as they were (vda is the first virtio disk).
      # What it says goes to a file of its own, sorted once it has finished (coldplug_reap).
      COLDPLUG_N=$((COLDPLUG_N + 1))
      set -f
      # shellcheck disable=SC2086 # one word per modalias, globbing off; MODPROBE_Q is empty or -q
      modprobe $MODPROBE_Q -a -b -- $_new 2>"/tmp/coldplug.$COLDPLUG_N.err" &
      COLDPLUG_PIDS="$COLDPLUG_PIDS $!:$COLDPLUG_N"
      set +f
    fi
  fi
  # drivers named rd.driver.post are loaded after the first round's
  if [ -z "$POST_DONE" ]; then
    POST_DONE=1
    case "$CMDLINE" in *rd.driver.post=*) ;; *) return 0 ;; esac
    set -f
    _cp_post=$(getargs rd.driver.post) && coldplug_wait
    for _m in $_cp_post; do
      modprobe_checked -b -- "$_m" || [ $? -eq 2 ] || warn "cannot load rd.driver.post $_m: no module of that name in this image"
    done
    set +f
  fi
}

# coldplug_wait: wait for the module loads coldplug started, and report those that failed.
coldplug_wait() {
  for _p in $COLDPLUG_PIDS; do
    wait "${_p%:*}" 2>/dev/null
    loads_check "/tmp/coldplug.${_p#*:}.err"
  done
  COLDPLUG_PIDS=
}

# coldplug_reap: report the failures of the coldplug loads that have finished, so that they are said
# while /init still waits (with rd.timeout=0 for ever). No fork: a finished modprobe is a zombie ("Z")
# until the shell waits for it, or gone from /proc once it has (then `wait` returns at once; without a
# /proc it waits for the load, so its words are never read half-written).
coldplug_reap() {
  _cr_left=
  for _p in $COLDPLUG_PIDS; do
    _cr_state=
    read -r _cr_x _cr_x _cr_state _cr_x 2>/dev/null <"/proc/${_p%:*}/stat"
    case "$_cr_state" in
      ''|Z|X) wait "${_p%:*}" 2>/dev/null; loads_check "/tmp/coldplug.${_p#*:}.err" ;;
      *) _cr_left="$_cr_left $_p" ;;
    esac
  done
  COLDPLUG_PIDS=$_cr_left
}

# _coldplug_new MODALIAS: add it to this round's list unless it was tried before.
_coldplug_new() {
  [ -n "$1" ] || return 0
  case "$COLDPLUG_SEEN" in *" $1 "*) return 0 ;; esac
  COLDPLUG_SEEN="$COLDPLUG_SEEN $1 "
  _new="$_new $1"
}
