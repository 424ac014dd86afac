// Host-only detection: everything an image needs to know about the machine it is built on, as
// plain data. All reads go through the Host, so a captured /sys and /proc give the same answer.
import { DetectError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { HostFacts, MountedFs } from './host-facts.js';
import { withIdentities } from './identity/block-identity.js';
import { iscsiSessionsOf, netrootOf } from './iscsi-session.js';
import { findKeyboards } from './keyboards.js';
import { findModaliasDevices } from './modalias-devices.js';
import { mountedFsAt, readMountTable } from './mounted-fs.js';
import { nbdRootArg, nbdRootOf } from './nbd-root.js';
import { networkRootFactOf, networkRootOf } from './network-root.js';
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
  const iscsi = [root, ...(usr ? [usr] : [])].flatMap((fs) => (fs.device ? iscsiSessionsOf(host, fs.device) : []));
  if (iscsi.length > 0) facts.iscsi = iscsi;
  const nbd = root.device ? nbdRootOf(host, root.device, facts.cmdline) : undefined;
  if (nbd !== undefined) facts.nbd = nbd;
  // the network root's server and route: an iSCSI root's portal, the NBD root's server, else NFS
  // (mountinfo) or a network root= on the command line
  const portal = iscsi[0];
  const network = portal
    ? networkRootFactOf(host, portal.address, netrootOf(portal))
    : nbd
      ? networkRootFactOf(host, nbd.server, nbdRootArg(nbd, root))
      : networkRootOf(host, root, facts.cmdline);
  if (network !== undefined) facts.network = network;
  const release = readAttr(host, '/proc/sys/kernel/osrelease');
  if (release !== undefined) facts.kernelRelease = release;
  return facts;
}

function _identify(host: Host, fs: MountedFs): MountedFs {
  return fs.device ? { ...fs, device: withIdentities(host, fs.device) } : fs;
}
