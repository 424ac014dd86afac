# Messages of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash). Sourced, never executed.

# printf, not echo: dash's echo turns the backslashes of a rejected command-line value into escapes.
info() { printf '%s\n' "$*" >&2; }
warn() { printf 'mkinitramfs-ts: warning: %s\n' "$*" >&2; }

# secret_begin / secret_end: around every command that sees a secret (a passphrase), so that rd.debug's
# trace (set -x) never prints it; secret_end turns tracing back on only if it was on.
secret_begin() { case $- in *x*) SECRET_TRACE=1 && set +x ;; *) SECRET_TRACE= ;; esac; }
secret_end() { [ -z "$SECRET_TRACE" ] || set -x; }
