# Time in the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash): the clock, short naps, and the one
# reading of how long to wait for the root device. Sourced, never executed.

# uptime_s: whole seconds since the kernel started.
uptime_s() { IFS=. read -r _u _ </proc/uptime; echo "$_u"; }

# seconds_of VALUE MAX: SECS = VALUE as a whole number of seconds, 0 to MAX; status 1 (SECS
# empty) when it is not one. Decimal digits only; leading zeros are allowed and mean nothing (08 is 8,
# never octal), so SECS is always safe in $((...)).
seconds_of() {
  SECS=
  case "$1" in ''|*[!0-9]*) return 1 ;; esac
  _so=$1
  while :; do case "$_so" in 0?*) _so=${_so#0} ;; *) break ;; esac; done
  [ "${#_so}" -le 9 ] && [ "$_so" -le "$2" ] || return 1
  SECS=$_so
}

# root_timeout: reads rd.timeout (else rootdelay, else rd.retry) once and sets, for /init and every hook:
#   ROOT_TIMEOUT_S  seconds to wait for the root device; 0 = for ever (the timeout hooks never run)
#   MEMBER_WAIT_S   seconds to wait for the missing members of an md array before starting it
#                   degraded: half of ROOT_TIMEOUT_S (rounded up), or half the image's default when
#                   ROOT_TIMEOUT_S is 0 (a degraded array must still start, so the root can appear)
# A value that is not a number of seconds from 0 to 86400 is said and ignored: the image's default
# (ROOT_TIMEOUT from image.conf, else 60) applies.
root_timeout() {
  [ -z "$ROOT_TIMEOUT_S" ] || return 0
  seconds_of "${ROOT_TIMEOUT:-60}" 86400 && [ "$SECS" -gt 0 ] || SECS=60
  _rt_default=$SECS
  ROOT_TIMEOUT_S=$_rt_default
  for _k in rd.timeout rootdelay rd.retry; do
    argval $_k || continue
    if seconds_of "$ARGVAL" 86400; then ROOT_TIMEOUT_S=$SECS; break; fi
    warn "ignoring $_k=$ARGVAL: not a number of seconds from 0 to 86400; waiting ${_rt_default}s"
  done
  if [ "$ROOT_TIMEOUT_S" -gt 0 ]; then
    MEMBER_WAIT_S=$(((ROOT_TIMEOUT_S + 1) / 2))
  else
    MEMBER_WAIT_S=$(((_rt_default + 1) / 2))
  fi
}

# root_wait_over NOW START: status 0 when the wait for root that began at START (uptime seconds) is over
# at NOW: ROOT_TIMEOUT_S have passed (never when 0) and NOW is not before ROOT_WAIT_UNTIL, which a hook
# sets to give a late link of the chain a budget of its own (the NBD attach: rd.timeout counted from the
# moment the network came up). /init clears ROOT_WAIT_UNTIL when a wait ends.
root_wait_over() {
  [ "$ROOT_TIMEOUT_S" -gt 0 ] && [ $(($1 - $2)) -ge "$ROOT_TIMEOUT_S" ] && [ "$1" -ge "${ROOT_WAIT_UNTIL:-0}" ]
}

# nap SECONDS: wait a fraction of a second. busybox ash's `read -t` on a FIFO that nobody writes waits
# without the fork and exec of `sleep` (~10 ms under emulation, on every round of the wait for root);
# dash has no `read -t` (status 2) and runs sleep.
nap() {
  if [ -z "$NAP_FIFO" ]; then
    NAP_FIFO=/tmp/nap.fifo # in the initramfs itself: not carried into the real root
    [ -p "$NAP_FIFO" ] || mknod "$NAP_FIFO" p 2>/dev/null || NAP_FIFO=none
  fi
  if [ "$NAP_FIFO" != none ]; then
    # shellcheck disable=SC3045 # read -t: busybox ash has it; dash says no (status 2)
    read -r -t "$1" _nap <>"$NAP_FIFO" 2>/dev/null
    [ $? -ne 2 ] && return 0
    NAP_FIFO=none
  fi
  sleep "$1" 2>/dev/null || sleep 1
}
