#!/bin/sh
# Enrols the TPM of this VM (swtpm, /dev/tpmrm0) into the LUKS2 root of the storage matrix's luks disk
# (virtio disk 1, GPT partition 1) with systemd-cryptenroll, as a user with a TPM would. Runs as the
# first process (rdinit=) of an image mkinitramfs-ts built from the Debian 12 TPM2 sysroot (crypt +
# tpm2 + systemd-cryptenroll). Prints the PCR values it saw (sha256 bank, 0-7), then "TPM2-ENROL: done"
# or "TPM2-ENROL: failed: WHY", and powers the VM off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
DEV=/dev/vda1
# PCR 7 (Secure Boot policy): under SeaBIOS it holds only the firmware's separator event, so it is the
# same in every boot of this QEMU whatever the VM's memory size, kernel and initrd (which PCRs 1, 2 and
# 4 see). Any PCR set, even none, stays bound to this TPM's storage seed: a fresh TPM cannot unseal.
PCRS=7

mkdir -p /proc /sys /dev /run /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mkdir -p /run/initramfs /run/cryptsetup
exec </dev/console >/dev/console 2>&1

# shellcheck source=/dev/null # the image's own shell libraries and the storage recipe
for lib in messages cmdline module-loads coldplug; do . "/lib/mkinitramfs-ts/$lib.sh"; done
# shellcheck source=/dev/null
. /usr/local/lib/storage-builder/recipe.env
read_cmdline

say() { echo "TPM2-ENROL: $*"; }
fail() { say "failed: $*"; sync; poweroff -f; sleep 10; exit 1; }

for _i in 1 2 3 4 5 6 7 8 9 10; do coldplug; [ -b "$DEV" ] && [ -c /dev/tpmrm0 ] && break; sleep 1; done
[ -b "$DEV" ] || fail "no $DEV"
[ -c /dev/tpmrm0 ] || fail "no TPM (/dev/tpmrm0)"
for _pcr in 0 1 2 3 4 5 6 7; do say "pcr-sha256 $_pcr $(cat "/sys/class/tpm/tpm0/pcr-sha256/$_pcr")"; done

# systemd-cryptenroll takes the existing passphrase from $PASSWORD (no terminal prompt)
PASSWORD="$PASSPHRASE" systemd-cryptenroll --tpm2-device=auto --tpm2-pcrs="$PCRS" "$DEV" || fail "systemd-cryptenroll exited $?"
cryptsetup luksDump "$DEV" | grep -E '^ +[0-9]+: systemd-tpm2' | while read -r _line; do say "token $_line"; done
cryptsetup luksDump "$DEV" | grep -q 'systemd-tpm2' || fail "no systemd-tpm2 token in the header"
say "done"
sync
poweroff -f
