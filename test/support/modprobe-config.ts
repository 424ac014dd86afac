// modprobe, the kmod oracle, must read the configuration of the root a test is about and never this
// machine's own /etc/modprobe.d and /lib/modprobe.d: an installed package (mdadm adds "options md_mod
// start_ro=1") must not change a test's result. `-C` replaces kmod's search path; a missing dir is skipped.

/** kmod 30's configuration directories, highest precedence first. */
export const KMOD30_CONFIG_DIRS = ['/etc/modprobe.d', '/run/modprobe.d', '/usr/local/lib/modprobe.d', '/lib/modprobe.d'];

/** kmod's configuration directories inside ROOT (absolute paths on this machine). */
export const configDirsIn = (root: string): string[] => KMOD30_CONFIG_DIRS.map((d) => `${root.replace(/\/+$/, '')}${d}`);

/** modprobe options that make it read ROOT's configuration directories and nothing else. */
export const modprobeConfigArgs = (root: string): string[] => configDirsIn(root).flatMap((d) => ['-C', d]);
