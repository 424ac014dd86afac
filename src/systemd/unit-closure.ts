// The systemd units an image needs, found the way systemd would load them: from a few root units,
// follow what each pulls in (Requires=, Wants=, OnFailure=, ... and its .wants/ and .requires/
// directories), the service a socket or path unit starts, and its drop-ins; collect the programs
// of their Exec*= lines. Reads the sysroot's vendor unit directory only (an initrd is generic: the
// administrator's /etc/systemd/system belongs to the real root).
import { posix } from 'node:path';
import { NotBootableError } from '../errors.js';
import { findExecutable } from '../elf/find-executable.js';
import type { Host } from '../host/host.js';
import { execPrograms, parseUnitFile, PULL_KEYS, skipsInitrd, unitList, unitValues, type UnitFile } from './unit-file.js';

/** Where the sysroot's systemd keeps its vendor units (the second for an unmerged /usr). */
export const UNIT_DIRS = ['/usr/lib/systemd/system', '/lib/systemd/system'] as const;

export interface UnitClosure {
  /** Unit files and drop-ins to copy (in-root paths; a symlinked alias brings its target). */
  files: Map<string, string>;
  /** The .wants/ and .requires/ links to copy, for units that are in the image. */
  links: Map<string, { target: string; why: string }>;
  /** Programs of Exec*= lines (in-root paths), with the unit that runs each. */
  programs: Map<string, string>;
  /** Units left out, and why (not in the sysroot, masked, never run in an initrd, omitted). */
  skipped: Map<string, string>;
}

interface _Want {
  name: string;
  why: string;
  /** A root the feature lists without "?": missing is an error. */
  required: boolean;
}

/**
 * Collect the closure of `roots` ("unit" or "unit?" when the sysroot may lack it). `omit` names units
 * never to take, with what pulls them left pointing at nothing (systemd then skips them).
 */
export function collectUnits(host: Host, roots: string[], omit: readonly string[], owner: string): UnitClosure {
  const out: UnitClosure = { files: new Map(), links: new Map(), programs: new Map(), skipped: new Map() };
  const seen = new Set<string>();
  const queue: _Want[] = roots.map((r) => ({ name: r.replace(/\?$/, ''), why: `listed by ${owner}`, required: !r.endsWith('?') }));
  const omitted = new Set(omit);
  while (queue.length) {
    const want = queue.shift() as _Want;
    if (seen.has(want.name)) continue;
    seen.add(want.name);
    if (omitted.has(want.name)) {
      out.skipped.set(want.name, `omitted by ${owner} (${want.why})`);
      continue;
    }
    const found = _findUnit(host, want.name);
    if (!found) {
      if (want.required) throw new NotBootableError(`${owner} needs the systemd unit ${want.name}, which is not in ${host.root} (is systemd installed there?)`);
      out.skipped.set(want.name, `not in ${host.root} (${want.why})`);
      continue;
    }
    if (host.realpath(found.path) === '/dev/null') {
      out.skipped.set(want.name, `masked in ${host.root} (${want.why})`);
      continue;
    }
    const unit = parseUnitFile(host.readText(found.path));
    if (skipsInitrd(unit) && !want.required) {
      out.skipped.set(want.name, `never runs in an initrd (ConditionPathExists=!/etc/initrd-release; ${want.why})`);
      continue;
    }
    const why = `systemd unit ${want.name} (${want.why})`;
    out.files.set(found.path, why);
    const pulled: string[] = [];
    for (const dropin of _dropIns(host, found.dir, want.name)) {
      out.files.set(dropin, why);
      pulled.push(...PULL_KEYS.flatMap((k) => unitList(parseUnitFile(host.readText(dropin)), 'Unit', k)));
    }
    pulled.push(...PULL_KEYS.flatMap((k) => unitList(unit, 'Unit', k)));
    pulled.push(..._activated(unit, want.name));
    for (const [link, target] of _wantsLinks(host, found.dir, want.name)) {
      const name = posix.basename(link);
      out.links.set(link, { target, why });
      pulled.push(name);
    }
    for (const name of pulled) if (!name.includes('%')) queue.push({ name, why: `pulled in by ${want.name}`, required: false });
    for (const program of execPrograms(unit)) {
      const path = findExecutable(host, program);
      if (path === undefined) out.skipped.set(`${program} (program)`, `not in ${host.root}, run by ${want.name}`);
      else if (!out.programs.has(path)) out.programs.set(path, `run by systemd unit ${want.name}`);
    }
  }
  // a link into .wants/ of a unit that is not in the image would only make systemd warn
  for (const [link, { target }] of out.links) if (!seen.has(posix.basename(link)) || out.skipped.has(posix.basename(link)) || !target) out.links.delete(link);
  return out;
}

function _findUnit(host: Host, name: string): { path: string; dir: string } | undefined {
  const template = _template(name);
  for (const dir of UNIT_DIRS) {
    for (const n of template ? [name, template] : [name]) {
      const path = `${dir}/${n}`;
      if (host.lstat(path) !== undefined) return { path, dir };
    }
  }
  return undefined;
}

/** "foo@bar.service" → "foo@.service"; undefined for a unit that is no instance. */
function _template(name: string): string | undefined {
  const m = /^([^@]+)@[^.]+(\.[a-z]+)$/.exec(name);
  return m ? `${m[1]}@${m[2]}` : undefined;
}

function _dropIns(host: Host, dir: string, name: string): string[] {
  const out: string[] = [];
  for (const n of [_template(name), name]) {
    if (n === undefined) continue;
    const d = `${dir}/${n}.d`;
    if (!host.stat(d)?.isDirectory()) continue;
    for (const f of host.readdir(d)) if (f.endsWith('.conf')) out.push(`${d}/${f}`);
  }
  return out;
}

/** The service a socket, path or timer unit starts (Service=/Unit=, else the one of its own name). */
function _activated(unit: UnitFile, name: string): string[] {
  const dot = name.lastIndexOf('.');
  const type = name.slice(dot + 1);
  const key = type === 'socket' ? ['Socket', 'Service'] : type === 'path' ? ['Path', 'Unit'] : type === 'timer' ? ['Timer', 'Unit'] : undefined;
  if (!key) return [];
  const named = unitValues(unit, key[0] as string, key[1] as string);
  if (named.length) return named;
  // a socket with Accept=yes starts instances of NAME@.service, never NAME.service
  if (type === 'socket' && unitValues(unit, 'Socket', 'Accept').some((v) => /^(yes|true|1|on)$/i.test(v))) return [];
  return [`${name.slice(0, dot)}.service`];
}

/** The links of NAME.wants/ and NAME.requires/ (and the template's), as [in-root link path, link text]. */
function _wantsLinks(host: Host, dir: string, name: string): [string, string][] {
  const out: [string, string][] = [];
  for (const n of [name, _template(name)]) {
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
  return out;
}
