# Console keymap of the mkinitramfs-ts image (POSIX sh). Sourced, never executed; needs messages.sh and
# cmdline.sh (read_cmdline done). The build compiled the host's keymap into
# /etc/mkinitramfs-ts/keymaps/NAME.bmap and named it in /etc/vconsole.conf (KEYMAP=NAME).

KEYMAP_DIR=/etc/mkinitramfs-ts/keymaps

# keymap_load: load the image's keymap, or the one rd.vconsole.keymap= (vconsole.keymap=) names; "us" keeps
# the kernel's built-in map. A name is only compared and used as a file name in KEYMAP_DIR, never run.
# Never fatal: the boot goes on with the map the kernel has.
keymap_load() {
  KEYMAP_NAME=
  if [ -r /etc/vconsole.conf ]; then
    while IFS= read -r _km_line || [ -n "$_km_line" ]; do
      case "$_km_line" in KEYMAP=*) KEYMAP_NAME=${_km_line#KEYMAP=} ;; esac
    done </etc/vconsole.conf
  fi
  argval vconsole.keymap && KEYMAP_NAME=$ARGVAL
  argval rd.vconsole.keymap && KEYMAP_NAME=$ARGVAL
  case "$KEYMAP_NAME" in
    '') return 0 ;;
    us) keymap_log "console keymap us (the kernel's own)"; return 0 ;;
    .*|*[!A-Za-z0-9._+-]*) warn "rd.vconsole.keymap=$KEYMAP_NAME: not a keymap name; the console keeps its keymap"; return 0 ;;
  esac
  if [ ! -r "$KEYMAP_DIR/$KEYMAP_NAME.bmap" ]; then
    warn "console keymap $KEYMAP_NAME is not in this image (build it with --keymap $KEYMAP_NAME); the console keeps its keymap"
    return 0
  fi
  if loadkmap <"$KEYMAP_DIR/$KEYMAP_NAME.bmap"; then
    keymap_log "console keymap $KEYMAP_NAME loaded"
  else
    warn "loadkmap could not load the console keymap $KEYMAP_NAME (no virtual console?); the console keeps its keymap"
  fi
}

# In the kernel log (dmesg, rdsosreport): the console may be a serial line that has no keymap at all.
keymap_log() { printf '<5>mkinitramfs-ts: %s\n' "$*" >/dev/kmsg 2>/dev/null || info "$*"; }
