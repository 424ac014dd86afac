// Host-only detection: everything an image needs to know about the machine it is built on, as
// plain data. All reads go through the Host, so a captured /sys and /proc give the same answer.
import { DetectError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { HostFacts, MountedFs } from './host-facts.js';
import { withIdentities } from './identity/block-identity.js';
import { findKeyboards } from './keyboards.js';
import { findModaliasDevices } from './modalias-devices.js';
import { mountedFsAt, readMountTable } from './mounted-fs.js';
import { readAttr } from './sysfs-attrs.js';

export function detectHost(host: Host): HostFacts {
  const devices = findModaliasDevices(host);
  const table = readMountTable(host);
  const root = mountedFsAt(host, table, '/');
  if (root === undefined)
    throw new DetectError(`/proc/self/mountinfo: no file system is mounted on / (pass --procfs DIR with a captured tree)`, '/proc/self/mountinfo');
  const usr = mountedFsAt(host, table, '/usr');
  const cmdline = host.tryReadText('/proc/cmdline');
  if (cmdline === undefined) throw new DetectError(`/proc/cmdline: not found (mount proc on /proc, or pass --procfs DIR)`, '/proc/cmdline');

  const facts: HostFacts = { cmdline: cmdline.trim(), root: _identify(host, root), devices, keyboards: findKeyboards(host) };
  if (usr !== undefined) facts.usr = _identify(host, usr);
  const release = readAttr(host, '/proc/sys/kernel/osrelease');
  if (release !== undefined) facts.kernelRelease = release;
  return facts;
}

function _identify(host: Host, fs: MountedFs): MountedFs {
  return fs.device ? { ...fs, device: withIdentities(host, fs.device) } : fs;
}
