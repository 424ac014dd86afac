// Which features go into an image: always + default (unless omitted) + added, closed over depends.
// A default feature that names required binaries joins only when the sysroot has them, one that names
// unless_binaries only when the sysroot has none of those.
import { UnknownFeatureError } from '../errors.js';
import { SECTION_KEYS, type FeatureManifest } from './manifest.js';

export interface FeatureSelection {
  add: string[];
  omit: string[];
  hostonly: boolean;
  /** Features the host-only detector found necessary (lvm, crypt, ...). */
  detected?: string[];
  /** Features the build found the sysroot's settings need (keymap), with the reason. */
  wanted?: { name: string; why: string }[];
  hasBinary: (name: string) => boolean;
  /** A default feature's check script decides whether it applies (see feature-scripts.ts). */
  applies?: (feature: FeatureManifest) => boolean;
}

export interface SelectedFeature {
  feature: FeatureManifest;
  why: string;
}

export function selectFeatures(all: Map<string, FeatureManifest>, sel: FeatureSelection): SelectedFeature[] {
  const known = (n: string, flag: string): FeatureManifest => {
    const f = all.get(n);
    if (!f) throw new UnknownFeatureError(`unknown feature '${n}' (${flag}); available: ${[...all.keys()].join(', ')}`);
    return f;
  };
  for (const n of sel.omit) known(n, '--omit');
  const chosen = new Map<string, string>();
  const want = (n: string, why: string): void => {
    if (!chosen.has(n)) chosen.set(n, why);
  };
  for (const f of all.values()) {
    if (sel.omit.includes(f.name) && f.include !== 'always') continue;
    if (f.include === 'always') want(f.name, 'always included');
    else if (sel.hostonly && f.when_detected) continue; // joins below only if the detector found its stack
    else if (f.include === 'default' && f.requires_binaries.every(sel.hasBinary) && !f.unless_binaries.some(sel.hasBinary) && (sel.applies?.(f) ?? true))
      want(f.name, _defaultWhy(f));
  }
  for (const n of sel.detected ?? []) if (!sel.omit.includes(n)) want(known(n, 'detected').name, 'detected on the host');
  for (const w of sel.wanted ?? []) if (!sel.omit.includes(w.name)) want(known(w.name, 'wanted').name, w.why);
  for (const n of sel.add) want(known(n, '--add').name, 'requested with --add');
  _closeOverDepends(all, chosen, known);
  return [...chosen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, why]) => ({ feature: _withSections(all.get(n) as FeatureManifest, chosen), why }));
}

/** Close the chosen set over depends (an omitted dependency of a wanted feature is still needed). */
function _closeOverDepends(all: Map<string, FeatureManifest>, chosen: Map<string, string>, known: (n: string, flag: string) => FeatureManifest): void {
  const queue = [...chosen.keys()];
  while (queue.length) {
    const n = queue.shift() as string;
    for (const d of (all.get(n) as FeatureManifest).depends) {
      known(d, `depends of ${n}`);
      if (!chosen.has(d)) {
        chosen.set(d, `needed by ${n}`);
        queue.push(d);
      }
    }
  }
}

/** The feature with the lists of its [with.NAME] tables appended, for each NAME also in the image. */
function _withSections(f: FeatureManifest, chosen: Map<string, string>): FeatureManifest {
  const apply = Object.entries(f.with).filter(([other]) => chosen.has(other));
  if (!apply.length) return f;
  const merged = { ...f };
  for (const [, section] of apply) {
    for (const k of SECTION_KEYS) (merged[k] as unknown[]) = [...merged[k], ...section[k]];
  }
  return merged;
}

function _defaultWhy(f: FeatureManifest): string {
  const why = [
    ...(f.requires_binaries.length ? [`sysroot has ${f.requires_binaries.join(', ')}`] : []),
    ...(f.unless_binaries.length ? [`sysroot has no ${f.unless_binaries.join(', ')}`] : []),
  ];
  return why.length ? `default (${why.join('; ')})` : 'default';
}
