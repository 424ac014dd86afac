// A root on NFS, from its mountinfo line: the server and path of its source ("SERVER:/PATH",
// "[IPv6]:/PATH"), the options worth mounting it with again and the interfaces that reach it. Checked against what the image's boot
// shell accepts (modules.d/nfs/nfs-lib.sh), so a root it could not mount fails the build, not the boot.
import { DetectError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { MountFact, NetworkFsFact } from './host-facts.js';
import { interfacesToward } from './network-interfaces.js';

const MOUNTINFO = '/proc/self/mountinfo';
/** The superblock options that choose how to reach the server; addresses (addr=, clientaddr=,
 *  mountaddr=) and ports the server picks are the running system's, never embedded. */
const KEPT = new Set(['vers', 'proto', 'sec', 'rsize', 'wsize', 'timeo', 'retrans', 'hard', 'soft', 'nconnect', 'port']);
const SERVER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]{0,63})$/;
const PATH = /^\/[A-Za-z0-9_.,/+@-]{0,1023}$/;
const OPTION = /^[A-Za-z0-9_.=:/+-]+$/;

export function isNetworkFs(fstype: string): boolean {
  return fstype === 'nfs' || fstype === 'nfs4';
}

export function networkFsOf(host: Host, mount: MountFact): NetworkFsFact {
  const kind = mount.fstype === 'nfs4' ? 'nfs4' : 'nfs';
  const at = mount.source.startsWith('[') ? mount.source.indexOf(']:/') + 1 : mount.source.indexOf(':/');
  const server = at > 0 ? mount.source.slice(0, at) : '';
  const path = at > 0 ? mount.source.slice(at + 1) : '';
  const fail = (why: string): never => {
    throw new DetectError(`${MOUNTINFO}: ${mount.mountPoint} is ${mount.fstype} from '${mount.source}': ${why}; use --no-hostonly and give root= yourself`, MOUNTINFO);
  };
  if (!SERVER.test(server)) fail(`'${server}' is not a server address or host name the image can mount from`);
  if (!PATH.test(path)) fail(`'${path}' is not an export path the image can mount (letters, digits and _.,/+@-)`);
  const options = mount.superOptions
    .split(',')
    .filter((o) => KEPT.has(o.split('=')[0] ?? ''))
    .filter((o) => OPTION.test(o));
  // the address the kernel talks to (addr=), which is the server's own when that is not a host name
  const addr = /(?:^|,)addr=([0-9.]+)(?:,|$)/.exec(mount.superOptions)?.[1] ?? (/^[0-9.]+$/.test(server) ? server : undefined);
  return { kind, server, path, options: options.join(','), interfaces: interfacesToward(host, addr) };
}
