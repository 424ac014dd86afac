// Host-only network roots: which network card reaches a server. The kernel's routing tables
// (/proc/net/route, /proc/net/ipv6_route, read through the Host seam) give the interface by longest
// prefix; /sys/class/net/IF gives what it is: a card (its `device` link → the device chain, whose
// drivers the image needs) or a bridge, bond or VLAN (their module, then the interfaces under them:
// lower_* links and a bridge's brif/). The one way to a root server's card: detectHost calls it for
// the root's server (src/detect/network-root.ts: NFS from mountinfo, NBD and iSCSI from the command
// line), the pipeline for a server only the embedded command line names.
import { DetectError } from '../errors.js';
import type { Host } from '../host/host.js';
import { deviceAncestry } from './device-ancestry.js';
import type { NicLink, NicRoute } from './host-facts.js';
import { followLink, readAttr } from './sysfs-attrs.js';

export type { NicLink, NicRoute } from './host-facts.js';

const VIRTUAL_MODULE: Record<string, { kind: NicLink['kind']; module: string }> = {
  bridge: { kind: 'bridge', module: 'bridge' },
  bond: { kind: 'bond', module: 'bonding' },
  vlan: { kind: 'vlan', module: '8021q' },
};

interface _Route {
  iface: string;
  prefix: number;
  metric: number;
  describe: string;
}

/**
 * The interface that reaches `server` (an IPv4 address, an IPv6 one with or without brackets; 0.0.0.0
 * for the default route) by the
 * host's routing table, and the cards under it. Throws DetectError (naming the file) when no route
 * leads there, or when the interface has no card under it (a tunnel, a veth: nothing an image can drive).
 */
export function nicForServer(host: Host, server: string): NicRoute {
  const address = server.replace(/^\[(.*)\]$/, '$1');
  const v4 = _parseIpv4(address);
  const v6 = v4 === undefined ? _parseIpv6(address) : undefined;
  if (v4 === undefined && v6 === undefined) throw new DetectError(`host-only: the root server '${server}' is not an IP address: give its address in root= (host names are not resolved at build time)`);
  const best = v4 !== undefined ? _bestRoute4(host, v4) : _bestRoute6(host, v6 as bigint);
  const table = v4 !== undefined ? '/proc/net/route' : '/proc/net/ipv6_route';
  if (!best) {
    const what = address === '0.0.0.0' ? 'no default route (and no network root= to look for)' : `no route to the root server ${address}`;
    throw new DetectError(`host-only: ${what} in ${table}: bring the network up before building, or use --no-hostonly`, table);
  }
  const links = _walk(host, best.iface, '', new Set());
  if (!links.some((l) => l.kind === 'nic')) {
    throw new DetectError(`host-only: the route to ${address} leaves by ${best.iface}, which has no network card under it: use --no-hostonly or add its driver with --add-drivers`, `/sys/class/net/${best.iface}`);
  }
  return { server: address, iface: best.iface, route: best.describe, links };
}

/** The interface, then (for bridges, bonds, VLANs) every interface under it, depth first. */
function _walk(host: Host, iface: string, above: string, seen: Set<string>): NicLink[] {
  if (seen.has(iface)) return [];
  seen.add(iface);
  const dir = `/sys/class/net/${iface}`;
  if (!host.exists(dir)) throw new DetectError(`host-only: the route names interface ${iface}, which is not in /sys/class/net`, dir);
  const device = followLink(host, host.realpath(dir), 'device');
  if (device !== undefined) {
    return [_card(host, iface, device, above)];
  }
  const devtype = /^DEVTYPE=(.*)$/m.exec(host.tryReadText(`${dir}/uevent`) ?? '')?.[1];
  const virtual = VIRTUAL_MODULE[devtype ?? ''] ?? (host.exists(`${dir}/bridge`) ? VIRTUAL_MODULE['bridge'] : host.exists(`${dir}/bonding`) ? VIRTUAL_MODULE['bond'] : undefined);
  if (!virtual) return [];
  const lower = new Set([
    ...host.readdir(dir).filter((n) => n.startsWith('lower_')).map((n) => n.slice('lower_'.length)),
    ...host.readdir(`${dir}/brif`),
  ]);
  const links: NicLink[] = [{ iface, kind: virtual.kind, module: virtual.module, hardware: [], above }];
  for (const l of [...lower].sort()) links.push(..._walk(host, l, iface, seen));
  return links;
}

function _card(host: Host, iface: string, device: string, above: string): NicLink {
  const card: NicLink = { iface, kind: 'nic', hardware: deviceAncestry(host, device), above };
  const mac = readAttr(host, `/sys/class/net/${iface}/address`);
  if (mac !== undefined) card.mac = mac;
  return card;
}

/**
 * For a root that is mounted from `server` when the host has no routing table to ask (no
 * /proc/net/ipv6_route on a host without IPv6 routes, a capture without it, no address in mountinfo):
 * every card whose interface is up, so the image can reach the server the host reached.
 */
export function cardsThatAreUp(host: Host, server: string, why: string): NicRoute {
  const links: NicLink[] = [];
  for (const iface of host.readdir('/sys/class/net').sort()) {
    if (readAttr(host, `/sys/class/net/${iface}/operstate`) !== 'up') continue;
    const device = followLink(host, host.realpath(`/sys/class/net/${iface}`), 'device');
    if (device !== undefined) links.push(_card(host, iface, device, ''));
  }
  return { server, iface: '', route: `${why}: every card that is up`, links };
}

/** The table nicForServer reads for `server`, and whether the host has it. */
export function routeTableFor(host: Host, server: string): { table: string; present: boolean } {
  const table = _parseIpv4(server.replace(/^\[(.*)\]$/, '$1')) !== undefined ? '/proc/net/route' : '/proc/net/ipv6_route';
  return { table, present: host.tryReadText(table) !== undefined };
}

function _parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function _parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let [head, tail] = text.split('::', 2) as [string, string | undefined];
  if (text.split('::').length > 2) return undefined;
  const groups = (s: string | undefined): string[] | undefined => {
    if (s === undefined || s === '') return [];
    const out: string[] = [];
    for (const g of s.split(':')) {
      if (g.includes('.')) {
        const v4 = _parseIpv4(g);
        if (v4 === undefined) return undefined;
        out.push((v4 >>> 16).toString(16), (v4 & 0xffff).toString(16));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(g);
      else return undefined;
    }
    return out;
  };
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  if (!h || !t) return undefined;
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  if (fill < 0 || (tail === undefined && h.length !== 8)) return undefined;
  const all = [...h, ...Array<string>(fill).fill('0'), ...t];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** /proc/net/route: hex fields in the kernel's byte order (little-endian here); RTF_UP 0x1, RTF_GATEWAY 0x2, RTF_REJECT 0x200. */
function _bestRoute4(host: Host, addr: number): _Route | undefined {
  let best: _Route | undefined;
  for (const line of (host.tryReadText('/proc/net/route') ?? '').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, dest, gw, flagsHex, , , metricText, maskHex] = f as [string, string, string, string, string, string, string, string];
    const flags = parseInt(flagsHex, 16);
    if (!(flags & 0x1) || flags & 0x200 || iface === 'lo') continue;
    const d = _le32(dest);
    const mask = _le32(maskHex);
    if ((addr & mask) >>> 0 !== (d & mask) >>> 0) continue;
    const prefix = _bits32(mask);
    const metric = Number(metricText);
    if (best && (prefix < best.prefix || (prefix === best.prefix && metric >= best.metric))) continue;
    const via = flags & 0x2 ? ` via ${_ip4(_le32(gw))}` : '';
    best = { iface, prefix, metric, describe: `${prefix === 0 ? 'default' : `${_ip4(d)}/${prefix}`}${via} dev ${iface}` };
  }
  return best;
}

/** /proc/net/ipv6_route: DEST DESTLEN SRC SRCLEN NEXTHOP METRIC REFCNT USE FLAGS IFACE (hex, network order). */
function _bestRoute6(host: Host, addr: bigint): _Route | undefined {
  let best: _Route | undefined;
  for (const line of (host.tryReadText('/proc/net/ipv6_route') ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dest, lenHex, , , nexthop, metricHex, , , flagsHex, iface] = f as [string, string, string, string, string, string, string, string, string, string];
    const flags = parseInt(flagsHex, 16);
    // RTF_UP; not RTF_REJECT (0x200) nor a local address's route (RTF_LOCAL 0x80000000)
    if (!(flags & 0x1) || flags & 0x200 || flags & 0x80000000 || iface === 'lo') continue;
    const prefix = parseInt(lenHex, 16);
    const shift = BigInt(128 - prefix);
    if (prefix > 0 && addr >> shift !== BigInt(`0x${dest}`) >> shift) continue;
    const metric = parseInt(metricHex, 16);
    if (best && (prefix < best.prefix || (prefix === best.prefix && metric >= best.metric))) continue;
    const gw = BigInt(`0x${nexthop}`);
    best = { iface, prefix, metric, describe: `${prefix === 0 ? 'default' : `${_ip6(BigInt(`0x${dest}`))}/${prefix}`}${gw !== 0n ? ` via ${_ip6(gw)}` : ''} dev ${iface}` };
  }
  return best;
}

function _le32(hex: string): number {
  const n = parseInt(hex, 16) >>> 0;
  return (((n & 0xff) << 24) | (((n >>> 8) & 0xff) << 16) | (((n >>> 16) & 0xff) << 8) | (n >>> 24)) >>> 0;
}

function _bits32(mask: number): number {
  let bits = 0;
  for (let m = mask >>> 0; m & 0x80000000; m = (m << 1) >>> 0) bits++;
  return bits;
}

function _ip4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

function _ip6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}
