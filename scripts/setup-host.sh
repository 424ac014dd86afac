#!/usr/bin/env bash
# The Debian packages `npm run demo` and `npm test` need on the machine, installed when missing (as
# root; says what before doing it). The one list of them: package.json's demo script, test/run-all.sh
# and .ci/run call this.
#   bash scripts/setup-host.sh demo   fetch the test bed, build an image, boot it in QEMU
#   bash scripts/setup-host.sh test   everything the tests run: peers' generators, file system tools, ...
# Not root and something missing: one line naming the packages and the command to run, exit 1.
set -euo pipefail

# fetch.sh: apt-get download + dpkg -x, depmod (kmod), mmdebstrap; images: zstd (the default compressor),
# xz-utils (.ko.xz of Debian 13's kernel); disks: mke2fs -d (e2fsprogs); boots: QEMU; chroots: unshare
DEMO_PACKAGES="qemu-system-x86 kmod mmdebstrap e2fsprogs zstd xz-utils util-linux"
# the tests also serve an NBD root (qemu-nbd), build GPT, xfs, btrfs and FAT disks, compare against
# dracut, initramfs-tools and binutils, decompress every format, shellcheck the shell, render the man
# page, sign UKIs (sbsigntool) with a key of their own (openssl) that they enrol into OVMF's variables (trixie's
# virt-fw-vars, a fixture, runs on python3-cryptography), serve an iSCSI root (tgt: tgtd, tgtadm), compile console
# keymaps (kbd: loadkeys) and give VMs a TPM 2.0 (swtpm)
TEST_PACKAGES="$DEMO_PACKAGES qemu-utils strace fdisk xfsprogs btrfs-progs dosfstools cpio lz4 bzip2 binutils dracut-core
  initramfs-tools-core systemd shellcheck man-db groff-base sbsigntool openssl python3-cryptography tgt kbd swtpm"

case "${1:-}" in
  demo) want=$DEMO_PACKAGES what="npm run demo" ;;
  test) want=$TEST_PACKAGES what="npm test" ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

command -v dpkg-query >/dev/null || { echo "setup-host: this is not a Debian system (no dpkg-query): install the equivalents of: $want" >&2; exit 1; }
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
missing=${missing# }

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-host: $what needs these Debian packages: $missing; install them with: sudo apt-get install --no-install-recommends $missing" >&2
  exit 1
fi
echo "setup-host: $what needs, and is installing now: $missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $missing >/dev/null
