# cmdline hook: the console keymap, before any hook can ask for a passphrase.
. /lib/mkinitramfs-ts/keymap-lib.sh
keymap_load
