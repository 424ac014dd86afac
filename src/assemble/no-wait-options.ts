// modprobe option async_probe=1 for the image's modules that drive no device: file systems,
// device-mapper and md, crypto, libraries. Once its init has run, loading a module otherwise waits
// for every device probe still running anywhere (ahci's of empty SATA ports take ~0.3 s); for these
// modules the option changes nothing else, as they have no devices to probe. Written at build time,
// so /init does no work for it.

export const NO_WAIT_CONF = '/etc/modprobe.d/mkinitramfs-ts-no-wait.conf';

const _DEVICELESS = /^kernel\/(?:fs|lib|crypto|arch\/[^/]+\/crypto|drivers\/md)\//;

/** The modprobe.d lines for `modules` (name, path under /lib/modules/KVER), or '' when none is device-less. */
export function noWaitOptions(modules: ReadonlyArray<{ name: string; relPath: string }>): string {
  const names = modules.filter((m) => _DEVICELESS.test(m.relPath)).map((m) => m.name);
  return [...new Set(names)].sort().map((n) => `options ${n} async_probe=1\n`).join('');
}
