# Messages of the mkinitramfs-ts /init (POSIX sh: busybox ash, or dash). Sourced, never executed.

info() { echo "$*" >&2; }
warn() { echo "mkinitramfs-ts: warning: $*" >&2; }

# secret_begin / secret_end: around every command that sees a secret (a passphrase), so that rd.debug's
# trace (set -x) never prints it; secret_end turns tracing back on only if it was on.
secret_begin() { case $- in *x*) SECRET_TRACE=1 && set +x ;; *) SECRET_TRACE= ;; esac; }
secret_end() { [ -z "$SECRET_TRACE" ] || set -x; }
