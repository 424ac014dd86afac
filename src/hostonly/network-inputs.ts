// Host-only network images: instead of the generic list of NIC drivers, the driver of the card that
// reaches the root server (and bridge/bonding/8021q when the route goes through one), found by
// nicForServer from the host's routing table. The server comes from the root= the image will boot
// with (its embedded command line, else this host's own /proc/cmdline); with none, the card of the
// default route. Each module carries the chain that explains it (explain and --dry-run print it).
import { nicForServer, type NicRoute } from '../detect/nic-for-server.js';
import type { Host } from '../host/host.js';
import type { ModuleRequest, ModuleSource } from '../kmod/module-source.js';
import { driversOfDevice } from './host-only-inputs.js';

export interface NetworkRootServer {
  server: string;
  /** The argument it came from ("root=nbd:10.0.2.2:10809"). */
  from: string;
}

export interface HostOnlyNetwork {
  route: NicRoute;
  /** Where the server came from, or why the default route was used. */
  target: string;
  modules: ModuleRequest[];
}

/** The server of a network root on a kernel command line: root=nbd:SERVER:… (NFS and iSCSI add theirs). */
export function networkRootServer(cmdline: string): NetworkRootServer | undefined {
  // the last root= is the one the boot uses
  const root = cmdline.split(/\s+/).filter((w) => w.startsWith('root=')).pop();
  const nbd = root ? /^root=nbd:(\[[^\]]*\]|[^:]*)/.exec(root) : null;
  return nbd?.[1] && root ? { server: nbd[1].replace(/^\[(.*)\]$/, '$1'), from: root } : undefined;
}

/**
 * The modules a host-only network image needs: the card (and bridge, bond, VLAN) on the route to the
 * root server named by the first of `cmdlines` that names one, and af_packet (udhcpc's socket).
 */
export function hostOnlyNetwork(host: Host, modules: ModuleSource, cmdlines: string[]): HostOnlyNetwork {
  const named = cmdlines.map(networkRootServer).find((s) => s !== undefined);
  const route = nicForServer(host, named?.server ?? '0.0.0.0');
  const target = named ? `root server ${route.server} (${named.from})` : 'the default route (no network root= on the command line)';
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
  return { route, target, modules: requests };
}
