#!/bin/sh
# Remakes the LUKS headers beside this script (the first 16 KiB of each volume: the binary header and
# the JSON metadata) with the fixture sysroot's cryptsetup 2.6.1 and the host's systemd-cryptenroll 252:
#   plain.hdr  LUKS2, one passphrase slot, no tokens
#   tpm2.hdr   LUKS2, a systemd-recovery token (systemd-cryptenroll --recovery-key) and a systemd-tpm2
#              token (cryptsetup token import of systemd-tpm2-token.json, the fields systemd-cryptenroll
#              --tpm2-device writes; this host has no TPM to enrol into)
#   luks1.hdr  LUKS1
# The passphrase is "pass". Run as root from this folder: sh make-headers.sh
set -eu
S=${SYSROOT:-$HOME/.cache/mkinitramfs-ts-fixtures/sysroot}
cs() { "$S/lib64/ld-linux-x86-64.so.2" --library-path "$S/usr/lib/x86_64-linux-gnu:$S/lib/x86_64-linux-gnu" "$S/usr/sbin/cryptsetup" "$@"; }
here=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
for n in plain tpm2 luks1; do truncate -s 20M "$n.img"; done
printf pass > k1
printf sealed-by-tpm > k2
# a cryptsetup action with cheap key derivation and no questions
fast() { action=$1; shift; cs "$action" --batch-mode --pbkdf-force-iterations 1000 "$@"; }
fast luksFormat --type luks2 --pbkdf pbkdf2 --uuid 5a0e1c2d-00a1-4c3b-9a8e-1f2d3c4b5aa1 --key-file k1 plain.img
fast luksFormat --type luks2 --pbkdf pbkdf2 --uuid 5a0e1c2d-00a2-4c3b-9a8e-1f2d3c4b5aa2 --key-file k1 tpm2.img
fast luksFormat --type luks1 --uuid 5a0e1c2d-00a3-4c3b-9a8e-1f2d3c4b5aa3 --key-file k1 luks1.img
PASSWORD=pass systemd-cryptenroll --recovery-key tpm2.img
fast luksAddKey --pbkdf pbkdf2 --key-file k1 tpm2.img k2
cs token import --json-file "$here/systemd-tpm2-token.json" tpm2.img
for n in plain tpm2 luks1; do head -c 16384 "$n.img" > "$here/$n.hdr"; done
