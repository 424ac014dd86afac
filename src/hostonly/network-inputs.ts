// Host-only network images: instead of the generic list of NIC drivers, the driver of the card that
// reaches the root server (and bridge/bonding/8021q when the route goes through one), with af_packet.
// The route is the facts' (HostFacts.network, found by detectHost for the root's server: NFS, NBD,
// iSCSI — so a capture builds the same image), or, for a server only the image's own command line
// names (--kernel-cmdline root=nbd:…), nicForServer on this host; with no network root at all, the
// card of the default route. Each module carries the chain that explains it (explain, --dry-run).
import type { HostFacts, NetworkRootFact, NicRoute } from '../detect/host-facts.js';
import { networkRootServer, routeOfFacts } from '../detect/network-root.js';
import { nicForServer } from '../detect/nic-for-server.js';
import type { Host } from '../host/host.js';
import type { ModuleRequest, ModuleSource } from '../kmod/module-source.js';
import { driversOfDevice } from './host-only-inputs.js';

export interface HostOnlyNetwork {
  route: NicRoute;
  /** Where the server came from, or why the default route was used. */
  target: string;
  /** The modules to add to the host-only ones ([] when the route is the facts': hostOnlyInputs has them). */
  modules: ModuleRequest[];
}

/**
 * The network of a host-only image: the route to the root server named by the first of `cmdlines`
 * that names one (the facts' route when it is that server's), and the modules of the cards on it.
 */
export function hostOnlyNetwork(host: Host, modules: ModuleSource, cmdlines: string[], facts?: HostFacts): HostOnlyNetwork {
  const named = cmdlines.map(networkRootServer).find((s) => s !== undefined);
  const known = routeOfFacts(facts, named);
  if (known) return { route: known.route, target: networkTarget(known), modules: [] };
  const route = nicForServer(host, named?.server ?? '0.0.0.0');
  const target = named ? `root server ${route.server} (${named.from})` : 'the default route (no network root= on the command line)';
  return { route, target, modules: nicModules(route, target, modules) };
}

/** "root server 10.0.3.1 (root=nfs:10.0.3.1:/srv/root)" */
export function networkTarget(n: NetworkRootFact): string {
  return `root server ${n.server} (${n.from})`;
}

/** The modules of a route's cards (by modalias and bound driver) and virtual interfaces, and af_packet (udhcpc's socket). */
export function nicModules(route: NicRoute, target: string, modules: ModuleSource): ModuleRequest[] {
  const requests: ModuleRequest[] = [];
  const want = (name: string, why: string): void => {
    if (!requests.some((r) => r.name === name && r.why === why)) requests.push({ name, why, optional: true });
  };
  for (const link of route.links) {
    const path = `${link.iface}${link.above ? ` under ${link.above}` : ''} ← route ${route.route} ← ${target}`;
    if (link.module) want(link.module, `${link.kind} ${path}`);
    for (const a of link.hardware) {
      if (a.modalias) for (const m of driversOfDevice(a, a.modalias, modules)) want(m, `modalias ${a.modalias} of ${a.sysPath} ← ${path}`);
      if (a.driverModule) want(a.driverModule, `driver ${a.driver ?? a.driverModule} of ${a.sysPath} ← ${path}`);
    }
  }
  want('af_packet', `packet sockets for udhcpc ← ${target}`);
  return requests;
}
