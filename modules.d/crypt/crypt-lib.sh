# LUKS helpers for the crypt feature's hooks (sourced). UUIDs, names and key paths come from the
# command line or crypttab: they are compared and passed as quoted arguments, never evaluated.

# libdevmapper: no udev is running, create /dev/mapper nodes directly.
export DM_DISABLE_UDEV=1

# crypt_name_ok NAME: usable as a /dev/mapper name.
crypt_name_ok() {
  case "$1" in ''|-*|*[!A-Za-z0-9._+-]*) return 1 ;; esac
  return 0
}

# crypt_wanted UUID: no rd.luks.uuid= means every container; otherwise only those listed
# (with or without the luks- prefix).
crypt_wanted() {
  _cw_list=$(getargs rd.luks.uuid) || return 0
  set -f
  for _cw in $_cw_list; do
    if [ "$(lower "${_cw#luks-}")" = "$1" ]; then set +f; return 0; fi
  done
  set +f
  return 1
}

# crypttab_entry UUID DEV: sets CT_NAME, CT_KEY, CT_OPTS from the crypttab line naming the container
# by UUID=, /dev/disk/by-uuid/ or its /dev path; status 1 when there is none.
crypttab_entry() {
  CT_NAME='' CT_KEY='' CT_OPTS=''
  [ -r /etc/crypttab ] || return 1
  while read -r _ct_name _ct_dev _ct_key _ct_opts; do
    case "$_ct_name" in ''|'#'*) continue ;; esac
    _ct_dev=${_ct_dev#\"} _ct_dev=${_ct_dev%\"}
    case "$_ct_dev" in
      UUID=*) [ "$(lower "${_ct_dev#UUID=}")" = "$1" ] || continue ;;
      /dev/disk/by-uuid/*) [ "$(lower "${_ct_dev#/dev/disk/by-uuid/}")" = "$1" ] || continue ;;
      *) [ "$_ct_dev" = "$2" ] || continue ;;
    esac
    CT_NAME=$_ct_name CT_KEY=$_ct_key CT_OPTS=$_ct_opts
    return 0
  done </etc/crypttab
  return 1
}

# crypt_name UUID: rd.luks.name=UUID=NAME, else the crypttab name, else luks-UUID.
crypt_name() {
  _cn=
  set -f
  for _cn_v in $(getargs rd.luks.name); do
    case "$_cn_v" in *=*) ;; *) continue ;; esac
    [ "$(lower "${_cn_v%%=*}")" = "$1" ] && _cn=${_cn_v#*=}
  done
  set +f
  [ -n "$_cn" ] || _cn=$CT_NAME
  if [ -n "$_cn" ] && ! crypt_name_ok "$_cn"; then
    warn "ignoring LUKS name '$_cn' for UUID=$1: not a usable /dev/mapper name"
    _cn=
  fi
  printf '%s\n' "${_cn:-luks-$1}"
}

# crypt_keyfile UUID: rd.luks.key=UUID=/path (this container) or rd.luks.key=/path (any), else the
# crypttab key file; empty when the passphrase must be typed.
crypt_keyfile() {
  _ck_any='' _ck_this=''
  set -f
  for _ck_v in $(getargs rd.luks.key); do
    case "$_ck_v" in
      /*:*) warn "rd.luks.key=$_ck_v: keys on other devices are not supported; put the key file in the image (--install)" ;;
      /*) _ck_any=$_ck_v ;;
      *=/*) [ "$(lower "${_ck_v%%=*}")" = "$1" ] && _ck_this=${_ck_v#*=} ;;
      *) warn "ignoring rd.luks.key=$_ck_v: expected /path or UUID=/path" ;;
    esac
  done
  set +f
  _ck=${_ck_this:-$_ck_any}
  if [ -z "$_ck" ]; then
    case "$CT_KEY" in ''|none|-) ;;
      /dev/*|*:*) warn "crypttab key '$CT_KEY' for UUID=$1 is on a device: not supported in the image, asking for the passphrase" ;;
      /*) _ck=$CT_KEY ;;
    esac
  fi
  printf '%s\n' "$_ck"
}

# crypt_open DEV UUID: open one container with its key file, else by passphrase from the console.
crypt_open() {
  _co_dev=$1 _co_uuid=$2
  crypttab_entry "$_co_uuid" "$_co_dev"
  _co_name=$(crypt_name "$_co_uuid")
  [ -b "/dev/mapper/$_co_name" ] && return 0
  _co_key=$(crypt_keyfile "$_co_uuid")
  # options from crypttab (the ones that matter before root is mounted) and rd.luks.allow-discards
  set --
  _co_keyopts=
  set -f
  for _co_o in $(printf '%s' "$CT_OPTS" | tr ',' ' '); do
    case "$_co_o" in
      discard) set -- "$@" --allow-discards ;;
      readonly|read-only) set -- "$@" --readonly ;;
      keyfile-offset=*|keyfile-size=*)
        case "${_co_o#*=}" in ''|*[!0-9]*) warn "ignoring crypttab option $_co_o" ;; *) _co_keyopts="$_co_keyopts --$_co_o" ;; esac ;;
    esac
  done
  set +f
  getargbool 0 rd.luks.allow-discards && set -- "$@" --allow-discards
  load_module dm_crypt || [ $? -eq 2 ] || warn "no dm_crypt module in this image"
  mkdir -p /run/cryptsetup
  if [ -n "$_co_key" ]; then
    if [ -f "$_co_key" ]; then
      info "unlocking $_co_dev (UUID=$_co_uuid) as /dev/mapper/$_co_name with key file $_co_key"
      # shellcheck disable=SC2086 # _co_keyopts holds only --keyfile-offset=N/--keyfile-size=N
      cryptsetup open --type luks --key-file "$_co_key" $_co_keyopts "$@" "$_co_dev" "$_co_name" && return 0
      warn "the key file $_co_key does not unlock $_co_dev; asking for the passphrase"
    else
      warn "the key file $_co_key for $_co_dev is not in this image (add it with --install); asking for the passphrase"
    fi
  fi
  info "$_co_dev (UUID=$_co_uuid) is encrypted: type its passphrase to open it as /dev/mapper/$_co_name"
  crypt_ask_open "$_co_dev" "$_co_name" "$@" && return 0
  warn "could not unlock $_co_dev; in the emergency shell: cryptsetup open $_co_dev $_co_name, then exit"
  return 1
}

# crypt_ask_open DEV NAME [OPTIONS]: up to three passphrases read from the console. Echo goes off
# before the prompt is shown (cryptsetup's own prompt flushes what was typed right after it), and the
# passphrase reaches cryptsetup through a pipe from the shell's printf builtin, never as an argument.
crypt_ask_open() {
  _ao_dev=$1 _ao_name=$2
  shift 2
  if ! command -v stty >/dev/null; then
    cryptsetup open --type luks --tries 3 "$@" "$_ao_dev" "$_ao_name"
    return
  fi
  for _ao_try in 1 2 3; do
    stty -echo 2>/dev/null
    printf 'Enter passphrase for %s (%s): ' "$_ao_dev" "$_ao_name"
    # the commands that see the passphrase are never traced (rd.debug)
    secret_begin
    IFS= read -r _ao_pass
    _ao_rc=$?
    secret_end
    stty echo 2>/dev/null
    echo
    [ "$_ao_rc" -eq 0 ] || break
    secret_begin
    _ao_ok=
    printf '%s' "$_ao_pass" | cryptsetup open --type luks --key-file - "$@" "$_ao_dev" "$_ao_name" && _ao_ok=1
    _ao_pass=
    secret_end
    [ -n "$_ao_ok" ] && return 0
    [ "$_ao_try" -lt 3 ] && echo "Try again."
  done
  _ao_pass=
  return 1
}

# crypt_open_all: every LUKS container in sight that is wanted and not tried yet.
crypt_open_all() {
  read_partitions
  for _ca_b in $BLOCK_NAMES; do
    _ca_dev=/dev/$_ca_b
    [ -b "$_ca_dev" ] || continue
    blkid_value "$_ca_dev" TYPE
    [ "$BLKID_VALUE" = crypto_LUKS ] || continue
    blkid_value "$_ca_dev" UUID
    _ca_uuid=$(lower "$BLKID_VALUE")
    [ -n "$_ca_uuid" ] || continue
    case " $CRYPT_TRIED " in *" $_ca_uuid "*) continue ;; esac
    crypt_wanted "$_ca_uuid" || continue
    CRYPT_TRIED="$CRYPT_TRIED $_ca_uuid"
    crypt_open "$_ca_dev" "$_ca_uuid"
  done
}
