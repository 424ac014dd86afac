// Module-name and alias normalisation, as kmod does it: '-' and '_' are the same character in module
// names and aliases, except inside a `[...]` glob bracket, which is kept verbatim.

/** A module name from a name or file name: '-' → '_', cut at the first '.' ("nvme-core.ko" → "nvme_core"). */
export function normalizeModname(name: string): string {
  const dot = name.indexOf('.');
  const base = dot < 0 ? name : name.slice(0, dot);
  return base.includes('-') ? base.replaceAll('-', '_') : base;
}

/** The module name of a module file path ("kernel/drivers/nvme/host/nvme-core.ko.xz" → "nvme_core"). */
export function modnameFromPath(path: string): string {
  return normalizeModname(path.slice(path.lastIndexOf('/') + 1));
}

/**
 * An alias or module request normalised for lookup: '-' → '_' outside brackets. undefined when a
 * bracket is unmatched (kmod rejects such an alias).
 */
export function normalizeAlias(alias: string): string | undefined {
  if (!alias.includes('[') && !alias.includes(']')) return alias.includes('-') ? alias.replaceAll('-', '_') : alias;
  let out = '';
  for (let i = 0; i < alias.length; i++) {
    const c = alias[i] as string;
    if (c === '-') out += '_';
    else if (c === ']') return undefined;
    else if (c === '[') {
      const end = alias.indexOf(']', i);
      if (end < 0) return undefined;
      out += alias.slice(i, end + 1);
      i = end;
    } else out += c;
  }
  return out;
}
