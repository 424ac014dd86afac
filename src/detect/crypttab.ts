// /etc/crypttab, as systemd-cryptsetup-generator and Debian's cryptsetup read it: one volume a line,
// "NAME DEVICE [KEYFILE [OPTIONS]]", fields split by blanks, '#' comments, options comma-separated.
// Read to learn what the host's volumes ask for (a TPM2 unlock); images get their own version of it.

export const CRYPTTAB = '/etc/crypttab';

export interface CrypttabEntry {
  name: string;
  /** As written: UUID=…, PARTUUID=…, LABEL=…, /dev/… */
  device: string;
  keyFile: string | undefined;
  options: string[];
}

export function parseCrypttab(text: string): CrypttabEntry[] {
  const out: CrypttabEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [name, device, keyFile, options] = line.split(/\s+/);
    if (name === undefined || device === undefined) continue;
    out.push({ name, device, keyFile: keyFile === undefined || keyFile === 'none' || keyFile === '-' ? undefined : keyFile, options: options ? options.split(',').filter((o) => o !== '') : [] });
  }
  return out;
}

/** Whether an entry is for this device: by its mapping name, or a UUID=/by-uuid spec of the LUKS UUID. */
export function crypttabEntryFor(entries: CrypttabEntry[], dmName: string | undefined, luksUuid: string | undefined): CrypttabEntry | undefined {
  const uuid = luksUuid?.toLowerCase();
  return entries.find((e) => {
    if (dmName !== undefined && e.name === dmName) return true;
    if (uuid === undefined) return false;
    const spec = e.device.toLowerCase();
    return spec === `uuid=${uuid}` || spec === `/dev/disk/by-uuid/${uuid}` || spec === `luks-${uuid}`;
  });
}

/** A TPM2 unlock is asked for: systemd's tpm2-device= option (any value, "auto" included). */
export function wantsTpm2(entry: CrypttabEntry): boolean {
  return entry.options.some((o) => o === 'tpm2-device' || o.startsWith('tpm2-device='));
}

/** Entries as crypttab lines (a header comment first; "none" for no key file; no options field when there are none). */
export function formatCrypttab(entries: CrypttabEntry[], header = "the host's entries for the root's volumes (mkinitramfs-ts host-only)"): string {
  const lines = entries.map((e) => [e.name, e.device, e.keyFile ?? 'none', ...(e.options.length ? [e.options.join(',')] : [])].join(' '));
  return `# ${header}\n${lines.map((l) => `${l}\n`).join('')}`;
}
