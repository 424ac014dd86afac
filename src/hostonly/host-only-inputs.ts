// Host-only: what the detector found on this host, as plan inputs — the drivers of the root's block
// stack and of the keyboards (with the chain that explains each), the stack features (lvm, crypt,
// mdraid, btrfs, xfs; nfs for a root on NFS, iscsi and nbd for one on a network disk), the embedded root= default, and a record of what the
// image was built for.
// Host devices are mapped through the TARGET kernel's aliases, so a driver built into the running
// kernel but modular in the target one is still found.
import { CRYPTTAB, crypttabEntryFor, formatCrypttab, parseCrypttab, wantsTpm2, type CrypttabEntry } from '../detect/crypttab.js';
import { detectHost } from '../detect/detect-host.js';
import type { AncestorFact, BlockNode, HostFacts, MountedFs } from '../detect/host-facts.js';
import { netrootOf } from '../detect/iscsi-session.js';
import { nbdRootArg } from '../detect/nbd-root.js';
import type { Host } from '../host/host.js';
import type { ModuleRequest, ModuleSource } from '../kmod/module-source.js';
import { nfsRootArg } from '../detect/network-fs.js';
import { networkTarget, nicModules } from './network-inputs.js';

export interface HostOnlyInputs {
  facts: HostFacts;
  modules: ModuleRequest[];
  features: string[];
  cmdline: string;
  files: { path: string; content: string; why: string }[];
  /** What the image cannot carry for this host and the user must supply (CHAP secrets). */
  warnings: string[];
}

export const HOST_RECORD = '/etc/mkinitramfs-ts/host.json';

const MD_LEVEL_MODULE: Record<string, string> = { raid0: 'raid0', raid1: 'raid1', raid10: 'raid10', raid4: 'raid456', raid5: 'raid456', raid6: 'raid456', linear: 'linear' };
const FS_FEATURE: Record<string, string> = { btrfs: 'btrfs', xfs: 'xfs' };

export function hostOnlyInputs(host: Host, modules: ModuleSource): HostOnlyInputs {
  return hostOnlyInputsFromFacts(detectHost(host), modules, host.tryReadText(CRYPTTAB));
}

/** `crypttab`: the host's /etc/crypttab text, when it has one (a TPM2 unlock asked for there). */
export function hostOnlyInputsFromFacts(facts: HostFacts, modules: ModuleSource, crypttab?: string): HostOnlyInputs {
  const crypttabEntries = crypttab === undefined ? [] : parseCrypttab(crypttab);
  const rootCrypttab: CrypttabEntry[] = [];
  const requests: ModuleRequest[] = [];
  const features = new Set<string>();
  const cmdline: string[] = [];
  const want = (name: string, why: string, optional = true): void => {
    requests.push({ name, why, optional });
  };
  const hardware = (chain: AncestorFact[], tail: string): void => {
    for (const a of chain) {
      if (a.modalias) for (const m of _driversOf(a, a.modalias, modules)) want(m, `modalias ${a.modalias} of ${a.sysPath} ← ${tail}`);
      if (a.driverModule) want(a.driverModule, `driver ${a.driver ?? a.driverModule} of ${a.sysPath} ← ${tail}`);
    }
  };

  for (const mount of [facts.root, ...(facts.usr ? [facts.usr] : [])]) {
    const top = describeMount(mount);
    want(`fs-${mount.fstype}`, `file system of ${top}`, false);
    if (FS_FEATURE[mount.fstype]) features.add(FS_FEATURE[mount.fstype] as string);
    if (mount.device === undefined) continue;
    walkStack(mount.device, top, (node, tail) => {
      switch (node.kind) {
        case 'dm-crypt':
          features.add('crypt');
          want('dm_crypt', `dm-crypt ${node.dmName ?? node.name} ← ${tail}`, false);
          for (const s of node.slaves) {
            if (s.identity?.uuid) cmdline.push(`rd.luks.uuid=${s.identity.uuid}`);
            // unlocked by a TPM2: its LUKS2 header has systemd-cryptenroll's token, or crypttab says tpm2-device=
            const entry = crypttabEntryFor(crypttabEntries, node.dmName, s.identity?.uuid);
            if (entry !== undefined && !rootCrypttab.includes(entry)) rootCrypttab.push(entry);
            if (s.identity?.luksTokens?.includes('systemd-tpm2') || (entry !== undefined && wantsTpm2(entry))) features.add('tpm2');
          }
          break;
        case 'dm-lvm':
          features.add('lvm');
          want('dm_mod', `LVM volume ${node.dmName ?? node.name} ← ${tail}`, false);
          break;
        case 'dm-other':
          want('dm_mod', `device-mapper ${node.dmName ?? node.name} ← ${tail}`, false);
          break;
        case 'md': {
          features.add('mdraid');
          const level = MD_LEVEL_MODULE[node.mdLevel ?? ''];
          want('md_mod', `md array ${node.name} ← ${tail}`, false);
          if (level) want(level, `md array ${node.name} (${node.mdLevel}) ← ${tail}`, false);
          if (node.mdUuid) cmdline.push(`rd.md.uuid=${node.mdUuid}`);
          break;
        }
        case 'disk':
          hardware(node.hardware ?? [], tail);
          break;
        case 'partition':
          break;
      }
    });
  }
  for (const k of facts.keyboards) hardware(k.hardware, `keyboard ${k.name ?? k.sysPath}`);
  const warnings = _iscsi(facts, features, cmdline, want);

  const root = facts.root;
  const nbd = _nbd(facts, features, want);
  if (root.network) {
    // the nfs feature mounts it (and brings in network); ip= stays the boot loader's (DHCP without one)
    features.add('nfs');
    cmdline.unshift(nfsRootArg(root.network));
  } else if (nbd?.startsWith('root=')) {
    cmdline.unshift(nbd); // the file system is on the NBD device itself: root=nbd:SERVER:PORT:FSTYPE
  } else if (root.device) {
    if (nbd) cmdline.push(nbd); // netroot=nbd:…: attached first, then root= inside it as for a local disk
    const uuid = root.device.identity?.uuid;
    if (uuid) cmdline.unshift(`root=UUID=${uuid}`, `rootfstype=${root.fstype}`);
    else cmdline.unshift(`root=/dev/${root.device.name}`, `rootfstype=${root.fstype}`);
  }
  // the card on the route to a network root's server (NFS, NBD, iSCSI), found by detectHost
  if (facts.network) requests.push(...nicModules(facts.network.route, networkTarget(facts.network), modules));
  const subvol = root.fstype === 'btrfs' && root.fsRoot !== '/' ? root.fsRoot.replace(/^\//, '') : undefined;
  if (subvol) cmdline.push(`rootflags=subvol=${subvol}`);

  const line = [...new Set(cmdline)].join(' ');
  const record = { format: 1, kver: modules.kver, cmdline: line, facts };
  return {
    facts,
    modules: requests,
    features: [...features].sort(),
    cmdline: line,
    files: [
      { path: HOST_RECORD, content: `${JSON.stringify(record, null, 1)}\n`, why: 'generated: what this host-only image was built for (check-host compares it)' },
      // the volumes the root needs, not the host's others (whose key files and devices the image lacks)
      ...(crypttab === undefined ? [] : [{ path: CRYPTTAB, content: formatCrypttab(rootCrypttab), why: "generated: the host's /etc/crypttab entries of the root's volumes" }]),
    ],
    warnings,
  };
}

/**
 * A root on an NBD device (the file system on it, or LUKS/LVM on it): the nbd feature (it brings
 * network and nbd-client) and the nbd driver; the argument that attaches it (nbdRootArg). Like NFS,
 * ip= stays the boot loader's: the network feature asks DHCP without one.
 */
function _nbd(facts: HostFacts, features: Set<string>, want: (name: string, why: string, optional?: boolean) => void): string | undefined {
  const nbd = facts.nbd;
  if (nbd === undefined) return undefined;
  features.add('nbd');
  const server = nbd.server.includes(':') ? `[${nbd.server}]` : nbd.server;
  want('nbd', `NBD device ${nbd.device} from ${server}:${nbd.export ?? nbd.port} (${nbd.source}) ← ${describeMount(facts.root)}`, false);
  return nbdRootArg(nbd, facts.root);
}

/**
 * A root on an iSCSI LUN: the iscsi feature (it brings network), iscsi_tcp, and the session as
 * netroot= and rd.iscsi.* defaults. Never the CHAP secrets: the image is readable by more than root
 * on many systems, so a CHAP login needs them on the kernel command line (a warning says so).
 */
function _iscsi(facts: HostFacts, features: Set<string>, cmdline: string[], want: (name: string, why: string, optional?: boolean) => void): string[] {
  const [s, ...more] = facts.iscsi ?? [];
  if (s === undefined) return [];
  const warnings: string[] = [];
  features.add('iscsi');
  want('iscsi_tcp', `iSCSI session ${s.session} to ${s.targetName} at ${s.address}:${s.port} ← disk ${s.disk}`, false);
  cmdline.push(netrootOf(s));
  if (s.tpgt !== 1) cmdline.push(`rd.iscsi.target.group=${s.tpgt}`);
  if (s.initiatorName !== undefined) cmdline.push(`rd.iscsi.initiator=${s.initiatorName}`);
  if (s.chap)
    warnings.push(
      `the root's iSCSI target ${s.targetName} uses ${s.mutualChap ? 'mutual ' : ''}CHAP: the image does not carry the secrets; add rd.iscsi.username= and rd.iscsi.password=${s.mutualChap ? ' (and rd.iscsi.in.username=, rd.iscsi.in.password=)' : ''} to the kernel command line`,
    );
  for (const o of more) if (o.session !== s.session) warnings.push(`the root also uses iSCSI ${o.session} (${o.targetName}): only one netroot= is logged in at boot; ${s.targetName} is embedded`);
  return warnings;
}

/**
 * The target's modules for a device's modalias, narrowed to the driver bound on the host when there
 * is one: serio:ty06… (an AT keyboard) also matches serio_raw, but atkbd drives it, and atkbd is
 * built in. A bound driver the target has neither as a candidate nor built in narrows nothing.
 */
function _driversOf(a: AncestorFact, modalias: string, modules: ModuleSource): string[] {
  const candidates = modules.resolveAlias(modalias);
  if (a.driver === undefined) return candidates;
  const bound = new Set([a.driverModule, a.driver].filter((n): n is string => n !== undefined).map(_modname));
  const served = candidates.filter((m) => bound.has(_modname(m)));
  if (served.length > 0) return served;
  if ([...bound].some((n) => modules.isBuiltin(n))) return [];
  return candidates;
}

/** The target's modules for one device of a chain (the NIC detector's cards use it too). */
export const driversOfDevice = _driversOf;

function _modname(name: string): string {
  return name.replace(/-/g, '_');
}

export { nfsRootArg };

/** "/ (ext4 UUID=…)", "/ (nfs4 10.0.0.1:/export/root)" */
function describeMount(m: MountedFs): string {
  if (m.network) return `${m.mountPoint} (${m.fstype} ${m.network.server}:${m.network.path})`;
  const id = m.device?.identity;
  const tag = id?.uuid ? ` UUID=${id.uuid}` : id?.label ? ` LABEL=${id.label}` : '';
  return `${m.mountPoint} (${m.fstype}${tag})`;
}

/** Visit every node of a stack top-down; `tail` is the chain above the node ("vda1 ← / (ext4 …)"). */
function walkStack(node: BlockNode, above: string, visit: (node: BlockNode, tail: string) => void): void {
  const label = node.kind === 'disk' ? `disk ${node.name}` : node.name;
  const tail = `${label} ← ${above}`;
  visit(node, tail);
  for (const s of node.slaves) walkStack(s, tail, visit);
}
