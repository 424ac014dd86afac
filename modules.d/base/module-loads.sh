# Module loads of the mkinitramfs-ts /init. Every modprobe's complaints are read: a module that is in
# the image but that the kernel refuses (a bad parameter, an unknown symbol, a file that is not a
# module of this kernel) is said on the console, once, with the kernel's reason, and kept in
# /run/initramfs/failed-modules for the failure report; a name or modalias that no module in the image
# claims stays quiet (most devices have no driver). Sourced by /init.
#
# What the two modprobes say on stderr (busybox 1.35 and kmod 30, as measured; both exit 1 either way):
#   nothing claims it    busybox: "modprobe: module NAME not found in modules.dep"           (-q hides it)
#                        kmod:    "modprobe: WARNING: Module NAME not found in directory DIR"  (FATAL without -a)
#   the kernel refused   busybox: "modprobe: can't load module NAME (PATH): REASON"          (-q does not hide it)
#                        kmod:    "modprobe: ERROR: could not insert 'NAME': REASON"          (-q hides it)
# So busybox's modprobe gets -q (its stderr stays empty unless a load failed: nothing to read then),
# kmod's does not, and its "not found" lines are skipped here. The image's modprobe is busybox's
# whenever the image has busybox (base links the applet; userspace and busybox never meet).

LOADS_FAILED_FILE=/run/initramfs/failed-modules
MODPROBE_Q=
command -v busybox >/dev/null 2>&1 && MODPROBE_Q=-q

# modprobe_checked ARGS...: modprobe ARGS and sort what it says. Status 0: loaded; 2: a module of the
# image failed to load (already said on the console); 1: nothing in the image answers to a name.
modprobe_checked() {
  # shellcheck disable=SC2086 # MODPROBE_Q is empty or -q
  modprobe $MODPROBE_Q "$@" 2>/tmp/modprobe.err
  _mc_st=$?
  loads_check /tmp/modprobe.err
  [ "$_mc_st" -eq 0 ] && return 0
  [ -n "$LOADS_REFUSED" ] && return 2
  return 1
}

# load_module NAME: modprobe NAME with its softdep pre/post modules first/after (busybox modprobe
# ignores modules.softdep, kmod's does not; this keeps both the same). Status as modprobe_checked.
load_module() {
  _softdeps "$1"
  # One modprobe for the pre soft dependencies and NAME (each start reads the module database
  # again); it fails when any of them does, and a pre one may not suit this CPU: then ask for NAME
  # alone, to learn whether NAME is there.
  set -f
  if [ -n "$_pre" ]; then
    # shellcheck disable=SC2086 # module names, globbing off
    modprobe_checked -b -a -- $_pre "$1" || modprobe_checked -b -- "$1"
  else
    modprobe_checked -b -- "$1"
  fi
  _lm_st=$?
  set +f
  [ "$_lm_st" -eq 0 ] || return "$_lm_st"
  for _lm_m in $_post; do modprobe_checked -b -- "$_lm_m"; done
  return 0
}

# _softdeps NAME: _pre and _post = the modules of NAME's first "softdep" line, before/after it.
_softdeps() {
  [ -n "$KERNEL_RELEASE" ] || KERNEL_RELEASE=$(uname -r)
  _sd=/lib/modules/$KERNEL_RELEASE/modules.softdep
  _pre='' _post=''
  [ -r "$_sd" ] || return 0
  while read -r _w1 _w2 _rest; do
    if [ "$_w1" != softdep ] || [ "$_w2" != "$1" ]; then continue; fi
    _which=
    set -f
    for _w in $_rest; do
      case "$_w" in pre:) _which=pre ;; post:) _which=post ;;
        *) if [ "$_which" = pre ]; then _pre="$_pre $_w"; else _post="$_post $_w"; fi ;; esac
    done
    set +f
    return 0
  done <"$_sd"
}

# loads_check FILE: sort the lines modprobe wrote to FILE (see the top of this file). A refused load
# is reported (load_failed); LOADS_REFUSED is set when FILE held one. An empty FILE costs one test.
loads_check() {
  LOADS_REFUSED=
  [ -s "$1" ] || return 0
  while IFS= read -r _lc || [ -n "$_lc" ]; do
    case "$_lc" in
      *" not found in "*) continue ;;
      *"can't load module "*" ("*"): "*)
        # busybox names what was asked for (maybe a modalias), then the module's file: name it by its file
        _lc_name=${_lc#*"can't load module "}
        _lc_name=${_lc_name#* (}
        _lc_why=${_lc_name#*"): "}
        _lc_name=${_lc_name%%"): "*}
        _lc_name=${_lc_name##*/}
        _module_name "${_lc_name%%.ko*}" ;;
      *"could not insert '"*"': "*)
        _lc_name=${_lc#*"could not insert '"}
        _lc_why=${_lc_name#*"': "}
        _lc_name=${_lc_name%%"'"*} ;;
      # anything else modprobe says is passed on as it is
      *) _lc_name='' _lc_why=${_lc#modprobe: } ;;
    esac
    # two loads of the same module at once (a background batch and a hook): it is there
    case "$_lc_why" in *"already in kernel"*|"File exists") continue ;; esac
    LOADS_REFUSED=1
    load_failed "$_lc_name" "$_lc_why"
  done <"$1"
}

# _module_name FILE_STEM: _lc_name = the module's name: dashes of a file name are underscores.
_module_name() {
  _lc_name='' _mn=$1
  while :; do
    case "$_mn" in
      *-*) _lc_name="$_lc_name${_mn%%-*}_" _mn=${_mn#*-} ;;
      *) _lc_name="$_lc_name$_mn"; return 0 ;;
    esac
  done
}

# load_failed NAME REASON: report a module the kernel refused, once per module: on the console (unless
# the reason is "No such device": the module found nothing to drive, as crc32c_intel on a CPU without
# SSE4.2) and in LOADS_FAILED_FILE. The kernel's own words come along: its last line that names the
# module, or for a file that is no module of this kernel its last complaint about an ELF header.
# NAME empty: a modprobe message of another kind, REASON is all of it.
load_failed() {
  _lf_key=${1:-$2}
  case "$LOADS_FAILED" in *"
$_lf_key
"*) return 0 ;; esac
  LOADS_FAILED="${LOADS_FAILED:-
}$_lf_key
"
  if [ -z "$1" ]; then
    _lf_line="modprobe: $2"
  else
    _lf_kernel=$(dmesg 2>/dev/null | grep -F -e "$1: " | tail -n 1)
    # the kernel checks a module's ELF header before it knows the module's name ("Invalid ELF header
    # magic" for a compressed module it cannot decompress)
    if [ -z "$_lf_kernel" ]; then
      case "$2" in "Exec format error"|"invalid module format") _lf_kernel=$(dmesg 2>/dev/null | grep -F -e "ELF header" | tail -n 1) ;; esac
    fi
    _lf_line="$1: $2${_lf_kernel:+ (kernel: ${_lf_kernel#*\] })}"
  fi
  [ -d "${LOADS_FAILED_FILE%/*}" ] || mkdir -p "${LOADS_FAILED_FILE%/*}"
  printf '%s\n' "$_lf_line" >>"$LOADS_FAILED_FILE"
  case "$2" in
    "No such device") ;;
    *) if [ -n "$1" ]; then echo "mkinitramfs-ts: cannot load module $_lf_line" >&2; else echo "mkinitramfs-ts: $_lf_line" >&2; fi ;;
  esac
}
