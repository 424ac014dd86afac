// The systemd units an image needs, found the way systemd would load them: from a few root units,
// follow what each pulls in (Requires=, Wants=, OnFailure=, ... and its .wants/ and .requires/
// directories), its Sockets= and Slice=, the service a socket, path or timer unit starts; each unit
// read with its drop-ins merged (unit-load.ts); collect the programs of their Exec*= lines. Reads
// the sysroot's vendor unit directories only (an initrd is generic: the administrator's
// /etc/systemd/system belongs to the real root). Every name read from a unit file is checked
// against systemd's unit-name rules before it becomes a path.
import { posix } from 'node:path';
import { ConfigError, NotBootableError } from '../errors.js';
import { findExecutable } from '../elf/find-executable.js';
import type { Host } from '../host/host.js';
import { execPrograms, PULL_KEYS, skipsInitrd, unitList, unitValues, type UnitFile } from './unit-file.js';
import { loadUnit, unitFolders, UNIT_DIRS } from './unit-load.js';
import { expandUnitSpecifiers, parentSlices, parseUnitName, templateOf } from './unit-name.js';

export { UNIT_DIRS };

export interface UnitClosure {
  /** Unit files and drop-ins to copy (in-root paths; a symlinked alias brings its target). */
  files: Map<string, string>;
  /** The .wants/ and .requires/ links to copy, for units that are in the image. */
  links: Map<string, { target: string; why: string }>;
  /** Programs of Exec*= lines (in-root paths), with the unit that runs each. */
  programs: Map<string, string>;
  /** Units left out, and why (not in the sysroot, masked, never run in an initrd, omitted, no valid name). */
  skipped: Map<string, string>;
}

interface _Want {
  name: string;
  why: string;
  /** A root the feature lists without "?": missing is an error. */
  required: boolean;
}

/** Sections whose Slice= puts the unit into a slice. */
const _SLICED = ['Service', 'Socket', 'Mount', 'Swap', 'Scope', 'Slice'] as const;

/**
 * Collect the closure of `roots` ("unit" or "unit?" when the sysroot may lack it). `omit` names units
 * never to take, with what pulls them left pointing at nothing (systemd then skips them).
 */
export function collectUnits(host: Host, roots: string[], omit: readonly string[], owner: string): UnitClosure {
  const out: UnitClosure = { files: new Map(), links: new Map(), programs: new Map(), skipped: new Map() };
  const seen = new Set<string>();
  const queue: _Want[] = roots.map((r) => ({ name: r.replace(/\?$/, ''), why: `listed by ${owner}`, required: !r.endsWith('?') }));
  for (const w of queue) {
    const parsed = parseUnitName(w.name);
    if ('invalid' in parsed) throw new ConfigError(`${owner} lists the systemd unit "${w.name}", which is no valid unit name (${parsed.invalid}): fix its systemd_units`);
  }
  const omitted = new Set(omit);
  const folders = unitFolders(host, UNIT_DIRS);
  while (queue.length) {
    const want = queue.shift() as _Want;
    if (seen.has(want.name)) continue;
    seen.add(want.name);
    const parsed = parseUnitName(want.name);
    if ('invalid' in parsed) {
      out.skipped.set(want.name, `not a valid unit name, nothing copied (${parsed.invalid}; ${want.why})`);
      continue;
    }
    if (omitted.has(want.name)) {
      out.skipped.set(want.name, `omitted by ${owner} (${want.why})`);
      continue;
    }
    const found = loadUnit(host, want.name, folders);
    if (!found) {
      if (want.required) throw new NotBootableError(`${owner} needs the systemd unit ${want.name}, which is not in ${host.root} (is systemd installed there?)`);
      out.skipped.set(want.name, `not in ${host.root} (${want.why})`);
      continue;
    }
    if ('masked' in found) {
      out.skipped.set(want.name, `masked in ${host.root} (${want.why})`);
      continue;
    }
    const { unit } = found;
    if (skipsInitrd(unit) && !want.required) {
      out.skipped.set(want.name, `never runs in an initrd (ConditionPathExists=!/etc/initrd-release; ${want.why})`);
      continue;
    }
    const why = `systemd unit ${want.name} (${want.why})`;
    out.files.set(found.path, why);
    for (const dropin of found.dropIns) if (!out.files.has(dropin)) out.files.set(dropin, why);

    const pulled = [
      ...PULL_KEYS.flatMap((k) => unitList(unit, 'Unit', k)),
      ...unitList(unit, 'Service', 'Sockets'),
      ..._SLICED.flatMap((s) => unitValues(unit, s, 'Slice').slice(-1)),
      ..._activated(unit, want.name),
    ];
    for (const [link, target] of _wantsLinks(host, folders, want.name)) {
      out.links.set(link, { target, why });
      pulled.push(posix.basename(link));
    }
    for (const value of pulled) {
      const name = expandUnitSpecifiers(value, want.name);
      if (name === undefined) out.skipped.set(value, `named with a specifier only known at run time (pulled in by ${want.name})`);
      // a slice needs the slices above it, with or without a unit file of its own (systemd makes one)
      else for (const n of [name, ...parentSlices(name)]) queue.push({ name: n, why: `pulled in by ${want.name}`, required: false });
    }
    const { programs, runtime } = execPrograms(unit);
    for (const program of runtime) out.skipped.set(`${program} (program)`, `named with a specifier only known at run time, run by ${want.name}`);
    for (const program of programs) {
      if (program.includes('/') && !program.startsWith('/')) {
        out.skipped.set(`${program} (program)`, `neither an absolute path nor a plain name (systemd refuses it), run by ${want.name}`);
        continue;
      }
      const path = findExecutable(host, program);
      if (path === undefined) out.skipped.set(`${program} (program)`, `not in ${host.root}, run by ${want.name}`);
      else if (!out.programs.has(path)) out.programs.set(path, `run by systemd unit ${want.name}`);
    }
  }
  // a link into .wants/ of a unit that is not in the image would only make systemd warn
  for (const [link, { target }] of out.links) if (!seen.has(posix.basename(link)) || out.skipped.has(posix.basename(link)) || !target) out.links.delete(link);
  return out;
}

/**
 * The service a socket, path or timer unit starts: Service=/Unit=, else the one of its own name — for
 * a socket with Accept=yes the template NAME@.service (systemd starts one instance per connection).
 */
function _activated(unit: UnitFile, name: string): string[] {
  const dot = name.lastIndexOf('.');
  const type = name.slice(dot + 1);
  const key = type === 'socket' ? ['Socket', 'Service'] : type === 'path' ? ['Path', 'Unit'] : type === 'timer' ? ['Timer', 'Unit'] : undefined;
  if (!key) return [];
  const named = unitValues(unit, key[0] as string, key[1] as string).slice(-1);
  if (named.length) return named;
  const accept = unitValues(unit, 'Socket', 'Accept').at(-1);
  if (type === 'socket' && accept !== undefined && /^(yes|true|1|on|y|t)$/i.test(accept)) return [`${name.slice(0, dot)}@.service`];
  return [`${name.slice(0, dot)}.service`];
}

/** The links of NAME.wants/ and NAME.requires/ (and the template's) in every unit folder, as [in-root link path, link text]. */
function _wantsLinks(host: Host, folders: string[], name: string): [string, string][] {
  const out: [string, string][] = [];
  for (const dir of folders) {
    for (const n of [name, templateOf(name)]) {
      if (n === undefined) continue;
      for (const suffix of ['.wants', '.requires']) {
        const d = `${dir}/${n}${suffix}`;
        if (!host.stat(d)?.isDirectory()) continue;
        for (const f of host.readdir(d)) {
          const st = host.lstat(`${d}/${f}`);
          out.push([`${d}/${f}`, st?.isSymbolicLink() ? host.readlink(`${d}/${f}`) : '']);
        }
      }
    }
  }
  return out;
}
