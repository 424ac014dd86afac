// The network interfaces a host-only image needs to reach its root server: the interface of the route
// to the server's IPv4 address in /proc/net/route (the longest prefix wins, then the lowest metric), or,
// when no route says (IPv6, a virtual interface), every interface that is up and sits on a device. Each
// comes with the chain of devices it hangs from (the virtio device, its PCI function, ...), whose
// drivers the image must hold.
import type { Host } from '../host/host.js';
import { deviceAncestry } from './device-ancestry.js';
import type { NicFact } from './host-facts.js';
import { followLink, readAttr } from './sysfs-attrs.js';

const _RTF_UP = 0x1;

export function interfacesToward(host: Host, serverIp: string | undefined): NicFact[] {
  const routed = serverIp === undefined ? undefined : _routeInterface(host, serverIp);
  if (routed !== undefined) {
    const nic = _nic(host, routed);
    if (nic !== undefined) return [nic];
  }
  const up: NicFact[] = [];
  for (const name of host.readdir('/sys/class/net').sort()) {
    if (readAttr(host, `/sys/class/net/${name}/operstate`) !== 'up') continue;
    const nic = _nic(host, name);
    if (nic !== undefined) up.push(nic);
  }
  return up;
}

/** The interface /proc/net/route sends `ip` (dotted IPv4) through; undefined when no route matches. */
function _routeInterface(host: Host, ip: string): string | undefined {
  const octets = ip.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return undefined;
  // the table holds addresses as the kernel stores them (network order) printed as a host-order number
  const [a, b, c, d] = octets as [number, number, number, number];
  const target = ((d << 24) | (c << 16) | (b << 8) | a) >>> 0;
  let best: { iface: string; bits: number; metric: number } | undefined;
  for (const line of (host.tryReadText('/proc/net/route') ?? '').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, dest, , flags, , , metric, mask] = f as [string, string, string, string, string, string, string, string];
    if ((parseInt(flags, 16) & _RTF_UP) === 0) continue;
    const m = parseInt(mask, 16) >>> 0;
    if (((target & m) >>> 0) !== parseInt(dest, 16) >>> 0) continue;
    const bits = _popcount(m);
    const met = Number(metric);
    if (best === undefined || bits > best.bits || (bits === best.bits && met < best.metric)) best = { iface, bits, metric: met };
  }
  return best?.iface;
}

/** An interface on a device (not lo, a bridge or a tunnel): its name, MAC and hardware chain. */
function _nic(host: Host, name: string): NicFact | undefined {
  const device = followLink(host, host.realpath(`/sys/class/net/${name}`), 'device');
  if (device === undefined) return undefined;
  const nic: NicFact = { name, hardware: deviceAncestry(host, device) };
  const mac = readAttr(host, `/sys/class/net/${name}/address`);
  if (mac !== undefined) nic.mac = mac;
  return nic;
}

function _popcount(n: number): number {
  let bits = 0;
  for (let v = n >>> 0; v !== 0; v >>>= 1) bits += v & 1;
  return bits;
}
