# initqueue hook: bring the network up once its interfaces exist (before a network root's hook runs);
# a try that fails is repeated until the wait for root ends, and the timeout hook says why.
command -v net_read_cmdline >/dev/null || . /lib/mkinitramfs-ts/net-lib.sh
net_round
