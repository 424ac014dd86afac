// The libraries a program loads with dlopen(), as it declares them in its `.note.dlopen` ELF notes
// (the ELF dlopen metadata specification: owner "FDO", type 0x407c0c0a, a JSON array of
// {feature, description, priority, soname[]}). ld.so never sees these libraries, so ldd cannot list them.
import { BadElfError } from '../errors.js';
import type { ElfFile } from './elf-file.js';

export const NOTE_DLOPEN_OWNER = 'FDO';
export const NOTE_DLOPEN_TYPE = 0x407c0c0a;
const SHT_NOTE = 7;

export type DlopenPriority = 'required' | 'recommended' | 'suggested';

export interface DlopenDependency {
  feature: string;
  description: string;
  /** How much the program needs it; "recommended" when the note does not say. */
  priority: DlopenPriority;
  /** Alternatives in the program's order of preference: any one of them will do. */
  sonames: string[];
}

/** Every dlopen dependency an ELF file declares, in note order (empty when it declares none). */
export function readDlopenNotes(elf: ElfFile): DlopenDependency[] {
  const out: DlopenDependency[] = [];
  const le = elf.header.littleEndian;
  for (const s of elf.sections) {
    if (s.type !== SHT_NOTE) continue;
    const data = elf.sectionData(s.name);
    if (!data) continue;
    for (const note of _notes(data, le)) {
      if (note.owner !== NOTE_DLOPEN_OWNER || note.type !== NOTE_DLOPEN_TYPE) continue;
      out.push(..._parseJson(note.desc, elf.file));
    }
  }
  return out;
}

interface _Note {
  owner: string;
  type: number;
  desc: Uint8Array;
}

function _notes(data: Uint8Array, le: boolean): _Note[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const notes: _Note[] = [];
  // plain arithmetic, not `(n + 3) & ~3`: sizes are 32-bit unsigned and a hostile one must not wrap
  const pad4 = (n: number): number => n + ((4 - (n % 4)) % 4);
  for (let o = 0; o + 12 <= data.length; ) {
    const namesz = view.getUint32(o, le);
    const descsz = view.getUint32(o + 4, le);
    const type = view.getUint32(o + 8, le);
    const nameAt = o + 12;
    if (namesz > data.length - nameAt) break; // a truncated or corrupt note: nothing more to read
    const descAt = nameAt + pad4(namesz);
    if (descAt > data.length || descsz > data.length - descAt) break;
    const name = Buffer.from(data.subarray(nameAt, nameAt + namesz)).toString('latin1').replace(/\0+$/, '');
    notes.push({ owner: name, type, desc: data.subarray(descAt, descAt + descsz) });
    o = descAt + pad4(descsz); // always past the 12-byte header, so the walk ends
  }
  return notes;
}

function _parseJson(desc: Uint8Array, file: string): DlopenDependency[] {
  const text = Buffer.from(desc).toString('utf8').replace(/\0+$/, '');
  const bad = (why: string): BadElfError =>
    new BadElfError(`${file}: its .note.dlopen is not valid dlopen metadata (${why}); reinstall the package that owns it`, file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (!Array.isArray(json)) throw bad('not a JSON array');
  return json.map((item: unknown): DlopenDependency => {
    if (typeof item !== 'object' || item === null) throw bad('an entry is not an object');
    const o = item as Record<string, unknown>;
    const sonames = o['soname'];
    if (!Array.isArray(sonames) || sonames.length === 0 || sonames.some((x) => typeof x !== 'string' || x.includes('/')))
      throw bad('an entry without a soname list');
    const priority = o['priority'] ?? 'recommended';
    if (priority !== 'required' && priority !== 'recommended' && priority !== 'suggested') throw bad(`unknown priority ${String(priority)}`);
    return {
      feature: typeof o['feature'] === 'string' ? o['feature'] : '',
      description: typeof o['description'] === 'string' ? o['description'] : '',
      priority,
      sonames: sonames as string[],
    };
  });
}
