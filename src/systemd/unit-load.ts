// One unit as systemd would load it from the sysroot's vendor unit folders: its file (the instance's
// own, else its template's), then its drop-ins merged on top in systemd's order — NAME.d/,
// the template's, the "-" prefixes' (foo-.service.d/) and the type-wide (service.d/) folders of every
// unit folder; a drop-in name seen in an earlier folder hides the same name later; all of them are
// applied sorted by file name. Read before anything is taken from the unit (its Exec lines, its
// conditions, what it pulls in).
import type { Host } from '../host/host.js';
import { parseUnitFile, type UnitFile } from './unit-file.js';
import { dropInNames, templateOf } from './unit-name.js';

/** Where the sysroot's systemd keeps its vendor units, first wins (the second for an unmerged /usr). */
export const UNIT_DIRS = ['/usr/lib/systemd/system', '/lib/systemd/system'] as const;

export interface LoadedUnit {
  /** In-root path of the unit file (a symlinked alias: the link; its target comes along). */
  path: string;
  /** The folder it was found in. */
  dir: string;
  /** Drop-ins applied, in the order applied (masked ones, linked to /dev/null, are left out). */
  dropIns: string[];
  /** The unit file with its drop-ins merged. */
  unit: UnitFile;
}

export type UnitLookup = LoadedUnit | { masked: string } | undefined;

/** Load `name` (a valid unit name) from `folders` (unitFolders()); undefined when none has it. */
export function loadUnit(host: Host, name: string, folders: readonly string[] = unitFolders(host, UNIT_DIRS)): UnitLookup {
  const found = _mainFile(host, name, folders);
  if (!found) return undefined;
  if (_isMask(host, found.path)) return { masked: found.path };
  let unit = parseUnitFile(host.readText(found.path));
  const dropIns = _dropIns(host, name, folders);
  for (const path of dropIns) unit = parseUnitFile(host.readText(path), unit);
  return { ...found, dropIns, unit };
}

function _mainFile(host: Host, name: string, folders: readonly string[]): { path: string; dir: string } | undefined {
  const template = templateOf(name);
  for (const n of template ? [name, template] : [name]) {
    for (const dir of folders) {
      const path = `${dir}/${n}`;
      if (host.lstat(path) !== undefined) return { path, dir };
    }
  }
  return undefined;
}

function _dropIns(host: Host, name: string, folders: readonly string[]): string[] {
  const byName = new Map<string, string>();
  for (const dir of folders) {
    for (const n of dropInNames(name)) {
      const d = `${dir}/${n}.d`;
      if (!host.stat(d)?.isDirectory()) continue;
      for (const f of host.readdir(d)) if (f.endsWith('.conf') && !byName.has(f)) byName.set(f, `${d}/${f}`);
    }
  }
  return [...byName.keys()]
    .sort()
    .map((f) => byName.get(f) as string)
    .filter((path) => !_isMask(host, path));
}

/** The unit folders that exist, each once (with a merged /usr, /lib/systemd/system is /usr/lib's). */
export function unitFolders(host: Host, dirs: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of dirs) {
    if (!host.stat(dir)?.isDirectory()) continue;
    const real = host.realpath(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(dir);
  }
  return out;
}

function _isMask(host: Host, path: string): boolean {
  return host.lstat(path)?.isSymbolicLink() === true && host.realpath(path) === '/dev/null';
}
