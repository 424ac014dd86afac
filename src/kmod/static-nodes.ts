// The device nodes that load a module when first opened (/dev/mapper/control → dm_mod,
// /dev/btrfs-control → btrfs ...), as systemd-tmpfiles lines: what `kmod static-nodes --format=tmpfiles`
// makes of modules.devname at every boot (kmod-static-nodes.service). An image's modules.devname is
// fixed when the image is built, so the build writes the lines instead, and the boot starts one
// program fewer before udev.
import { ModulesDbError } from '../errors.js';

/** tmpfiles.d lines for a modules.devname text ("MODULE DEVNAME c|bMAJOR:MINOR" lines); '' when it names no node. */
export function staticNodesTmpfiles(devname: string, file = 'modules.devname'): string {
  const out: string[] = [];
  for (const [i, line] of devname.split('\n').entries()) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^\S+\s+(\S+)\s+([cb])(\d+):(\d+)\s*$/.exec(line);
    if (!m) throw new ModulesDbError(`${file}:${i + 1}: not a "MODULE DEVNAME cMAJOR:MINOR" line: ${line.slice(0, 80)} (re-run depmod for this kernel)`);
    const [, node, type, major, minor] = m as unknown as [string, string, string, string, string];
    const slash = node.lastIndexOf('/');
    if (slash !== -1) out.push(`d /dev/${node.slice(0, slash)} 0755 - - -`);
    out.push(`${type}! /dev/${node} 0600 - - - ${Number(major)}:${Number(minor)}`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
