// Reading a Unified Kernel Image back: whether its section table is well-formed (what `verify` reports)
// and the .initrd section that `ls`, `cat`, `extract` and `verify` read like any image.
import { BadImageError } from '../errors.js';
import { EFI_APPLICATION, findSection, looksLikePe, type PeFile, readPe, sectionData } from './pe-file.js';

/** The sections a UKI built here carries; only .linux makes a PE file a UKI (UAPI specification). */
export const UKI_SECTIONS = ['.osrel', '.cmdline', '.uname', '.sbat', '.initrd', '.linux'] as const;
const SINGLETONS = ['.linux', '.osrel', '.cmdline', '.initrd', '.ucode', '.splash', '.uname', '.sbat', '.pcrsig', '.pcrpkey'];

export { looksLikePe };

/** Each thing wrong with the UKI's layout, one line each; [] when well-formed. */
export function ukiLayoutProblems(buf: Buffer, name: string): string[] {
  let pe: PeFile;
  try {
    pe = readPe(buf, name);
  } catch (err) {
    if (err instanceof BadImageError) return [err.message];
    throw err;
  }
  const out: string[] = [];
  if (pe.subsystem !== EFI_APPLICATION) out.push(`PE subsystem is ${pe.subsystem}, not 10 (EFI application): the firmware will not start it`);
  for (const s of ['.linux', '.initrd']) if (!findSection(pe, s)) out.push(`no ${s} section: not a UKI with an initramfs`);
  for (const s of SINGLETONS) if (pe.sections.filter((x) => x.name === s).length > 1) out.push(`${s} appears more than once (the specification allows one)`);
  const pow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;
  const aligned = pow2(pe.sectionAlignment) && pow2(pe.fileAlignment);
  if (!aligned) out.push(`alignment ${pe.sectionAlignment}/${pe.fileAlignment} is not a power of two`);
  let prevEnd = 0;
  for (const s of [...pe.sections].sort((a, b) => a.virtualAddress - b.virtualAddress)) {
    // the stub's own sections are the stub's business (252's .sdmagic is off its alignment)
    if (aligned && SINGLETONS.includes(s.name) && s.virtualAddress % pe.sectionAlignment !== 0) out.push(`${s.name} at 0x${s.virtualAddress.toString(16)} is not at the section alignment 0x${pe.sectionAlignment.toString(16)}`);
    if (s.virtualAddress < prevEnd) out.push(`${s.name} at 0x${s.virtualAddress.toString(16)} overlaps the section before it in memory`);
    prevEnd = Math.max(prevEnd, s.virtualAddress + s.virtualSize);
    if (s.rawOffset + s.rawSize > buf.length) out.push(`${s.name} runs past the end of the file (truncated?)`);
  }
  let fileEnd = pe.sizeOfHeaders;
  let fileLast = 'the PE headers';
  for (const s of pe.sections.filter((x) => x.rawSize > 0).sort((a, b) => a.rawOffset - b.rawOffset)) {
    if (s.rawOffset < fileEnd) out.push(`${s.name}'s file data at 0x${s.rawOffset.toString(16)} overlaps ${fileLast} (ends at 0x${fileEnd.toString(16)})`);
    if (s.rawOffset + s.rawSize > fileEnd) [fileEnd, fileLast] = [s.rawOffset + s.rawSize, s.name];
  }
  if (prevEnd > pe.sizeOfImage) out.push(`SizeOfImage 0x${pe.sizeOfImage.toString(16)} is smaller than the sections (0x${prevEnd.toString(16)})`);
  const sbat = findSection(pe, '.sbat');
  if (sbat && !sectionData(buf, sbat).toString('latin1').startsWith('sbat,1,')) out.push('.sbat does not start with the "sbat,1," header line');
  const linux = findSection(pe, '.linux');
  if (linux && linux.rawOffset + linux.rawSize <= buf.length && !looksLikePe(sectionData(buf, linux))) out.push('.linux is not an EFI-bootable kernel image (no MZ/PE header)');
  return out.map((m) => `${name}: UKI: ${m}`);
}

/** The .initrd section of a UKI, to be read like an image file. */
export function ukiInitrd(buf: Buffer, name: string): Buffer {
  const pe = readPe(buf, name);
  const initrd = findSection(pe, '.initrd');
  if (!initrd) throw new BadImageError(`${name}: a PE/EFI file without an .initrd section: no initramfs to read`, name);
  if (initrd.rawOffset + Math.min(initrd.rawSize, initrd.virtualSize) > buf.length) throw new BadImageError(`${name}: the UKI's .initrd section runs past the end of the file (truncated?)`, name);
  return sectionData(buf, initrd);
}

/** The kernel version a UKI names in .uname, if any. */
export function ukiUname(buf: Buffer, name: string): string | undefined {
  const pe = readPe(buf, name);
  const s = findSection(pe, '.uname');
  const v = s ? sectionData(buf, s).toString('utf8').replace(/\0+$/, '').trim() : '';
  return v || undefined;
}
