// Host-only: is a disk under the root a network block device (/dev/nbdN), and which server serves it?
// Asked in this order, each through the Host (so a capture answers the same):
//   1. the live client: /sys/block/nbdN/pid is the nbd-client that attached it (the ioctl interface
//      keeps it running, holding its sockets) → /proc/PID/fd/* "socket:[INODE]" → /proc/net/tcp and
//      tcp6, the connection with that inode → the remote address and port;
//   2. root=nbd:… or netroot=nbd:… on /proc/cmdline (how the running system was booted);
//   3. the device's line in the sysroot's /etc/nbdtab (nbd-client's own table: DEV HOST EXPORT OPTS).
// An export name is only ever known from 2 or 3; the live client gives the address and port.
import { DetectError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { BlockNode, MountedFs } from './host-facts.js';
import { readAttr } from './sysfs-attrs.js';

/** nbd-client's and the nbd feature's default port (an export name alone is served there). */
export const NBD_DEFAULT_PORT = 10809;
export const NBDTAB = '/etc/nbdtab';

export interface NbdRootFact {
  /** "nbd0" */
  device: string;
  /** An IPv4 or IPv6 address (no brackets), or a host name from the command line or nbdtab. */
  server: string;
  port: number;
  /** The export name, when the command line or nbdtab gave one. */
  export?: string;
  /** Where the server was found: "nbd-client (pid 312) connected to 10.0.2.2:10809", "root=nbd:…", "/etc/nbdtab". */
  source: string;
}

/** The NBD device at the bottom of the stack `top` (undefined: the root is on no NBD device). */
export function nbdDiskOf(top: BlockNode): BlockNode | undefined {
  if (top.kind === 'disk') return /^nbd\d+$/.test(top.name) ? top : undefined;
  for (const s of top.slaves) {
    const found = nbdDiskOf(s);
    if (found) return found;
  }
  return undefined;
}

/** The server of the NBD device under `top`, or undefined when there is none; DetectError when nothing names it. */
export function nbdRootOf(host: Host, top: BlockNode, cmdline: string): NbdRootFact | undefined {
  const disk = nbdDiskOf(top);
  if (disk === undefined) return undefined;
  const named = _fromCmdline(cmdline) ?? _fromNbdtab(host, disk.name);
  const live = _liveClient(host, disk);
  if (live.found) {
    const fact: NbdRootFact = { device: disk.name, server: live.found.server, port: live.found.port, source: live.found.source };
    // the export name, when what names a server names this one
    if (named?.export !== undefined && named.server === fact.server) fact.export = named.export;
    return fact;
  }
  if (named) return { device: disk.name, ...named };
  throw new DetectError(
    `host-only: / is on /dev/${disk.name}, but nothing says which NBD server serves it: ${live.why}; no root=nbd: or netroot=nbd: on /proc/cmdline; no ${disk.name} line in ${NBDTAB}. ` +
      `Boot with root=nbd:SERVER:PORT (or netroot=nbd:SERVER:PORT) so it can be read from /proc/cmdline, or build with --no-hostonly --kernel-cmdline 'root=nbd:SERVER:PORT'`,
    `/sys/block/${disk.name}/pid`,
  );
}

/**
 * The argument an image finds the root by: root=nbd:SERVER:PORT_OR_EXPORT:FSTYPE when the file system
 * is on the NBD device itself, else netroot=nbd:SERVER:PORT_OR_EXPORT (root= then names the file system
 * inside, as for a local disk). Dracut's form has one field for the port or the export name (served on
 * the default port): a name on another port cannot be said, and fails the build.
 */
export function nbdRootArg(nbd: NbdRootFact, root: MountedFs): string {
  const server = nbd.server.includes(':') ? `[${nbd.server}]` : nbd.server;
  let field = String(nbd.port);
  if (nbd.export !== undefined && nbd.export !== '') {
    if (nbd.port !== NBD_DEFAULT_PORT)
      throw new DetectError(
        `host-only: /dev/${nbd.device} is export '${nbd.export}' on port ${nbd.port} of ${nbd.server}: root=nbd: names a port or an export name (on port ${NBD_DEFAULT_PORT}), not both; serve it on ${NBD_DEFAULT_PORT}, or build with --no-hostonly --kernel-cmdline 'root=nbd:…'`,
        nbd.source.startsWith(NBDTAB) ? NBDTAB : '/proc/cmdline',
      );
    field = nbd.export;
  }
  return root.device?.kind === 'disk' && root.device.name === nbd.device ? `root=nbd:${server}:${field}:${root.fstype}` : `netroot=nbd:${server}:${field}`;
}

interface _Named {
  server: string;
  port: number;
  export?: string;
  source: string;
}

/** root=nbd:SERVER:PORT_OR_EXPORT[:…], else netroot=nbd:… (the last of each counting). */
function _fromCmdline(cmdline: string): _Named | undefined {
  const words = cmdline.split(/\s+/);
  const word = [words.filter((w) => w.startsWith('root=nbd:')).pop(), words.filter((w) => w.startsWith('netroot=nbd:')).pop()].find((w) => w !== undefined);
  if (word === undefined) return undefined;
  const m = /^(?:root|netroot)=nbd:(\[[0-9A-Fa-f:.]+\]|[^:[\]]+):([^:]+)/.exec(word);
  if (!m) return undefined;
  return { server: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), ..._portOrExport(m[2] as string), source: word };
}

/** nbdtab: "nbd0 SERVER EXPORT [OPTIONS]", OPTIONS a comma list where port=N may be. */
function _fromNbdtab(host: Host, device: string): _Named | undefined {
  for (const line of (host.tryReadText(NBDTAB) ?? '').split('\n')) {
    const [dev, server, name, options] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (dev === undefined || server === undefined || name === undefined || dev.replace(/^\/dev\//, '') !== device) continue;
    const port = /(?:^|,)port=(\d+)(?:,|$)/.exec(options ?? '')?.[1];
    return { server: server.replace(/^\[(.*)\]$/, '$1'), port: port ? Number(port) : NBD_DEFAULT_PORT, export: name, source: `${NBDTAB}: ${line.trim()}` };
  }
  return undefined;
}

function _portOrExport(field: string): { port: number; export?: string } {
  return /^\d+$/.test(field) ? { port: Number(field) } : { port: NBD_DEFAULT_PORT, export: field };
}

/** The remote end of the nbd-client's TCP socket, or why there is none to ask. */
function _liveClient(host: Host, disk: BlockNode): { found?: { server: string; port: number; source: string }; why: string } {
  const pid = readAttr(host, `${disk.sysPath}/pid`);
  if (pid === undefined || !/^\d+$/.test(pid)) return { why: `no client pid in /sys/block/${disk.name}/pid (not connected by the ioctl interface)` };
  const argv0 = (host.tryReadText(`/proc/${pid}/cmdline`) ?? '').split('\0')[0] ?? '';
  if (!/nbd-client$/.test(argv0)) return { why: `the client pid ${pid} of /sys/block/${disk.name}/pid is no nbd-client now` };
  const inodes = new Set<string>();
  for (const fd of _readdir(host, `/proc/${pid}/fd`)) {
    const target = _readlink(host, `/proc/${pid}/fd/${fd}`);
    const inode = target === undefined ? undefined : /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  if (inodes.size === 0) return { why: `nbd-client (pid ${pid}) holds no socket in /proc/${pid}/fd` };
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const remote = _remoteOf(host.tryReadText(table) ?? '', inodes);
    if (remote) return { found: { ...remote, source: `nbd-client (pid ${pid}) connected to ${remote.server.includes(':') ? `[${remote.server}]` : remote.server}:${remote.port} (${table})` }, why: '' };
  }
  return { why: `none of nbd-client's (pid ${pid}) sockets is a TCP connection in /proc/net/tcp or tcp6` };
}

/** /proc/net/tcp(6): "sl local rem st tx:rx tr:when retrnsmt uid timeout inode …"; addresses hex in the kernel's (little-endian) words. */
function _remoteOf(text: string, inodes: Set<string>): { server: string; port: number } | undefined {
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !inodes.has(f[9] as string)) continue;
    const [addrHex, portHex] = (f[2] as string).split(':') as [string, string | undefined];
    if (portHex === undefined) continue;
    const server = addrHex.length === 8 ? _ipv4(addrHex) : _ipv6(addrHex);
    if (server !== undefined) return { server, port: parseInt(portHex, 16) };
  }
  return undefined;
}

/** One 32-bit word as the kernel prints it (host order, little-endian here) → its four bytes in network order. */
function _wordBytes(hex: string): number[] {
  const n = parseInt(hex, 16) >>> 0;
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

function _ipv4(hex: string): string {
  return _wordBytes(hex).join('.');
}

/** 32 hex digits, four words; ::ffff:a.b.c.d (an IPv4 peer of an IPv6 socket) is given as a.b.c.d. */
function _ipv6(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return undefined;
  const bytes = [0, 8, 16, 24].flatMap((i) => _wordBytes(hex.slice(i, i + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

function _readdir(host: Host, path: string): string[] {
  try {
    return host.readdir(path);
  } catch {
    return []; // another user's process, read without root
  }
}

function _readlink(host: Host, path: string): string | undefined {
  try {
    return host.readlink(path);
  } catch {
    return undefined; // the fd closed since the listing
  }
}
