// SBAT (shim's revocation metadata, CSV): the stub's entries, the kernel's if it has any, and ours,
// under the one "sbat" header line shim requires first. Ends with a NUL like the stubs' own.
import { VERSION } from '../cli/version.js';

const HEADER = 'sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md';
/** Our generation 1: bumped if an image this tool wrote ever has to be revoked. */
export const OUR_SBAT = `mkinitramfs-ts,1,mkinitramfs-ts,mkinitramfs-ts,${VERSION},https://uapi-group.org/specifications/specs/unified_kernel_image/`;

export function mergeSbat(sections: readonly Buffer[], ours: string = OUR_SBAT): Buffer {
  const lines: string[] = [];
  for (const data of sections) {
    const text = data.toString('utf8').replace(/\0+$/, '');
    const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (rows[0]?.startsWith('sbat,') !== true) continue; // not SBAT: nothing to keep
    for (const row of rows.slice(1)) if (!lines.includes(row)) lines.push(row);
  }
  lines.push(ours);
  return Buffer.from(`${[HEADER, ...lines].join('\n')}\n\0`, 'utf8');
}
