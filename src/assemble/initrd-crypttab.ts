// The /etc/crypttab of a generic image whose PID 1 is systemd. The shell /init only looks a container
// up in crypttab once it has found it (its name, key file, options), so it gets the sysroot's file
// as it is. systemd-cryptsetup-generator instead opens every entry (unless rd.luks.uuid= picks some)
// and holds the boot for each one: a generic image built on one machine would wait 90 s for every
// disk of that machine that the booting one lacks, and ask in the initrd for data disks' passphrases
// before the root's. So each entry gets `nofail` here: still opened when its disk is there (the root's
// name and key file keep working without rd.luks.uuid=), never waited for. Entries the user marked for
// the initrd (x-initrd.attach) or already nofail/noauto stay as written. Host-only images carry only
// the root's entries (hostOnlyInputs) and are not touched.
import { CRYPTTAB, formatCrypttab, parseCrypttab } from '../detect/crypttab.js';
import type { Host } from '../host/host.js';
import type { SelectedFeature } from '../features/select-features.js';

const LEFT_AS_WRITTEN = new Set(['nofail', 'noauto', 'x-initrd.attach']);

/** The file replacing the sysroot's crypttab, or none when the image reads it as it is. */
export function initrdCrypttab(host: Host, features: SelectedFeature[], hostonly: boolean): { path: string; content: string; why: string } | undefined {
  if (hostonly) return undefined;
  if (!features.some((s) => s.feature.init !== undefined)) return undefined; // the shell /init
  if (!features.some((s) => s.feature.files.some((f) => f.from_sysroot === CRYPTTAB))) return undefined;
  const text = host.tryReadText(CRYPTTAB);
  if (text === undefined) return undefined;
  const entries = parseCrypttab(text).map((e) => (e.options.some((o) => LEFT_AS_WRITTEN.has(o)) ? e : { ...e, options: [...e.options, 'nofail'] }));
  return {
    path: CRYPTTAB,
    content: formatCrypttab(entries, 'the sysroot\'s entries, each "nofail": systemd opens the ones whose disk is there and waits for none (mkinitramfs-ts)'),
    why: "generated: the sysroot's /etc/crypttab with nofail entries (a generic image with systemd as PID 1)",
  };
}
