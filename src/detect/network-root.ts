// A root on the network: its server, and the card that reaches it (nicForServer). detectHost records
// the result in HostFacts.network, so host.json and an image built from a capture carry the same
// card. The server comes from what mounts the root:
//   NFS    mountinfo's source and addr= (root=nfs:…/nfs4:… on the command line too)
//   NBD    the server of the root's /dev/nbdN (nbd-root.ts: the live nbd-client, the command line,
//          /etc/nbdtab; detectHost), or root=nbd:/netroot=nbd:SERVER:… on the command line
//   iSCSI  the portal of the session under the root disk (detectHost), or netroot=iscsi:[CREDS@]SERVER:…
//          on the command line
import type { HostFacts, MountedFs, NetworkRootFact } from './host-facts.js';
import type { Host } from '../host/host.js';
import { nfsAddressOf, nfsRootArg } from './network-fs.js';
import { cardsThatAreUp, nicForServer, routeTableFor } from './nic-for-server.js';

export interface NetworkRootServer {
  server: string;
  /** The argument it came from ("root=nbd:10.0.2.2:10809"). */
  from: string;
}

/** SERVER at the start of `rest`: an IPv6 address in brackets, else up to the next colon. */
const _SERVER = /^(\[[^\]]*\]|[^:/]*)/;

/** The server of a network root on a kernel command line (the last root= and netroot= winning). */
export function networkRootServer(cmdline: string): NetworkRootServer | undefined {
  const words = cmdline.split(/\s+/);
  const root = words.filter((w) => w.startsWith('root=')).pop();
  const netroot = words.filter((w) => w.startsWith('netroot=')).pop();
  const found = (from: string, rest: string): NetworkRootServer | undefined => {
    const server = _SERVER.exec(rest)?.[1]?.replace(/^\[(.*)\]$/, '$1');
    return server ? { server, from } : undefined;
  };
  if (root?.startsWith('root=nbd:')) return found(root, root.slice('root=nbd:'.length));
  const nfs = root ? /^root=nfs4?:(.*)$/.exec(root) : null;
  if (root && nfs?.[1]) return found(root, nfs[1]);
  const nfsroot = words.filter((w) => w.startsWith('nfsroot=')).pop();
  if (root === 'root=/dev/nfs' && nfsroot) return found(nfsroot, nfsroot.slice('nfsroot='.length));
  if (netroot?.startsWith('netroot=nbd:')) return found(netroot, netroot.slice('netroot=nbd:'.length));
  if (netroot?.startsWith('netroot=iscsi:')) {
    // [USER:PASS[:INUSER:INPASS]@]SERVER:…: the credentials end at the last @
    const rest = netroot.slice('netroot=iscsi:'.length);
    return found(netroot, rest.slice(rest.lastIndexOf('@') + 1));
  }
  return undefined;
}

/**
 * The root's server and route, or undefined when the root is not on the network. NFS: the address
 * mountinfo says the kernel talks to; when the host has no routing table for it (or mountinfo gives
 * no address), every card that is up, as the mounted root was reached through one of them. Others:
 * the server named on the command line, by nicForServer (a DetectError when no route reaches it).
 */
export function networkRootOf(host: Host, root: MountedFs, cmdline: string): NetworkRootFact | undefined {
  if (root.network) {
    const from = nfsRootArg(root.network);
    const addr = nfsAddressOf(root, root.network);
    if (addr === undefined) return { server: root.network.server, from, route: cardsThatAreUp(host, root.network.server, 'no address in mountinfo') };
    return networkRootFactOf(host, addr, from);
  }
  const named = networkRootServer(cmdline);
  return named ? networkRootFact(host, named.server, named.from) : undefined;
}

/** networkRootFact for a server the root was reached through: with no routing table for its address family, every card that is up. */
export function networkRootFactOf(host: Host, server: string, from: string): NetworkRootFact {
  const { table, present } = routeTableFor(host, server);
  return networkRootFact(host, server, from, present ? undefined : `no ${table}`);
}

/** The hook for every network root: its server (an IP address), what named it, the route to it. */
export function networkRootFact(host: Host, server: string, from: string, noTable?: string): NetworkRootFact {
  const route = noTable === undefined ? nicForServer(host, server) : cardsThatAreUp(host, server.replace(/^\[(.*)\]$/, '$1'), noTable);
  return { server: route.server, from, route };
}

/** The facts' route when it is the one to `named` (or nothing else is named). */
export function routeOfFacts(facts: HostFacts | undefined, named: NetworkRootServer | undefined): NetworkRootFact | undefined {
  const network = facts?.network;
  if (network === undefined) return undefined;
  if (named === undefined || named.from === network.from || named.server === network.server) return network;
  const nfs = facts?.root.network;
  return nfs !== undefined && named.server === nfs.server.replace(/^\[(.*)\]$/, '$1') ? network : undefined;
}
