// The network plan of an image with the network feature, as one plan note that --dry-run and explain
// print: which card (host-only: found on the route to the root server) or which driver list (generic),
// the ip= in effect, and the root server. Pure: data in, a note out.
import type { HostOnlyNetwork } from '../hostonly/network-inputs.js';
import type { PlanNote } from './plan.js';

/** The note, or undefined when the image does not bring the network up. */
export function networkPlanNote(hasNetwork: boolean, kernelCmdline: string, network?: HostOnlyNetwork): PlanNote | undefined {
  if (!hasNetwork) return undefined;
  const words = kernelCmdline.split(/\s+/).filter((w) => w !== '');
  const ips = words.filter((w) => w.startsWith('ip='));
  const root = words.filter((w) => w.startsWith('root=')).pop();
  const ip = ips.length > 0 ? ips.join(' ') : 'ip= from the boot command line (ip=dhcp when none)';
  const server = root ? root : 'root= from the boot command line';
  let cards: string;
  if (network) {
    const nics = network.route.links.filter((l) => l.kind === 'nic').map((l) => {
      const drivers = [...new Set(l.hardware.map((h) => h.driverModule ?? h.driver).filter((d) => d !== undefined))];
      return `${l.iface} (${drivers.join(', ') || 'no driver bound'})`;
    });
    const virtual = network.route.links.filter((l) => l.kind !== 'nic').map((l) => `${l.iface} (${l.module})`);
    cards = `host-only: card ${nics.join(', ')}${virtual.length > 0 ? ` under ${virtual.join(', ')}` : ''} on route ${network.route.route} to ${network.target}`;
  } else {
    cards = 'generic: the common NIC drivers the kernel has (feature network)';
  }
  return { subject: 'network plan', text: `${cards}; ${ip}; ${server}`, reasons: ['feature network'] };
}
