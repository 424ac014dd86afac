// Which of the libraries ELF files declare in .note.dlopen go into the image: the features' `dlopen`
// words are priorities ("required", "recommended", "suggested": every library declared at it) or a
// note's feature names ("tpm2", "cryptsetup": that feature's libraries at any priority). What is
// declared but not taken is remembered, so the plan can say so.
import type { DlopenDependency } from './dlopen-notes.js';

const _PRIORITIES = new Set(['required', 'recommended', 'suggested']);

export interface SkippedDlopen {
  /** The first (preferred) soname of the declared alternatives. */
  soname: string;
  feature: string;
  priority: string;
  /** The files (in the sysroot) that declare it. */
  from: string[];
}

export interface DlopenSelection {
  /** The resolver's filter (ResolveOptions.dlopen); undefined when no feature asks for any. */
  filter: ((dep: DlopenDependency, from: string) => boolean) | undefined;
  /** Declared libraries left out so far (and not taken for another declaration), by soname, sorted. */
  skipped(): SkippedDlopen[];
}

export function dlopenSelection(words: Iterable<string>): DlopenSelection {
  const wanted = new Set(words);
  const skipped = new Map<string, SkippedDlopen>();
  const taken = new Set<string>();
  const take = (dep: DlopenDependency, from: string): boolean => {
    if (wanted.has(dep.priority) || (dep.feature !== '' && !_PRIORITIES.has(dep.feature) && wanted.has(dep.feature))) {
      for (const n of dep.sonames) taken.add(n);
      return true;
    }
    const soname = dep.sonames[0] ?? '';
    const known = skipped.get(soname) ?? { soname, feature: dep.feature || 'no feature named', priority: dep.priority, from: [] };
    if (!known.from.includes(from)) known.from.push(from);
    skipped.set(soname, known);
    return false;
  };
  return {
    filter: wanted.size ? take : undefined,
    skipped: () => [...skipped.values()].filter((s) => !taken.has(s.soname)).sort((a, b) => (a.soname < b.soname ? -1 : a.soname > b.soname ? 1 : 0)),
  };
}
