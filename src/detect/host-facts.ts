// What host-only detection learns about a machine: plain JSON data (no undefined values, no
// classes), stored inside the image and compared again later by `check-host`.
import type { IscsiSessionFact } from './iscsi-session.js';
import type { NbdRootFact } from './nbd-root.js';


/** A device somewhere under /sys/devices, as the module resolver needs it. */
export interface DeviceFact {
  /** Real sysfs path, e.g. "/sys/devices/pci0000:00/0000:00:1f.2". */
  sysPath: string;
  modalias: string;
  /** Basename of the driver link, e.g. "ahci". */
  driver?: string;
  /** Basename of realpath(<dev>/driver/module): the module that provides the bound driver. */
  driverModule?: string;
}

/** One step up a device's parent chain (controller, bus, bridge); any of the fields may be missing. */
export interface AncestorFact {
  sysPath: string;
  modalias?: string;
  driver?: string;
  driverModule?: string;
}

/** One line of /proc/self/mountinfo that matters to us. */
export interface MountFact {
  mountPoint: string;
  /** "MAJ:MIN" as mountinfo reports it (0:NN for btrfs and virtual file systems). */
  majMin: string;
  fstype: string;
  source: string;
  /** Per-mount options (rw,relatime). */
  options: string;
  /** Per-superblock options (errors=remount-ro, subvol=/@). */
  superOptions: string;
  /** The directory of the file system that is mounted there ("/" or a btrfs subvolume "/@"). */
  fsRoot: string;
}

/** What the superblocks (or udev, or a blkid cache) say about one block device. */
export interface BlockIdentity {
  /** Where this came from: read from the device, udev's database, or a blkid cache. */
  source: 'superblock' | 'udev' | 'blkid-cache';
  /** blkid's TYPE: ext4, xfs, btrfs, vfat, crypto_LUKS, LVM2_member, linux_raid_member. */
  type?: string;
  uuid?: string;
  label?: string;
  /** UUID of this member device inside a multi-device set (btrfs dev uuid, md device uuid). */
  uuidSub?: string;
  partUuid?: string;
  partLabel?: string;
  /** Partition table of a whole disk: "gpt" or "dos", and its id. */
  ptType?: string;
  ptUuid?: string;
  /** An md array's UUID as udev knows it (MD_UUID), 8-4-4-4-12. */
  mdUuid?: string;
  /** A LUKS2 header's token types (systemd-tpm2 ...), read from the superblock only. */
  luksTokens?: string[];
}

export type BlockKind = 'disk' | 'partition' | 'dm-crypt' | 'dm-lvm' | 'dm-other' | 'md';

/** One block device of the stack under a mount; `slaves` are the devices it sits on. */
export interface BlockNode {
  name: string;
  majMin: string;
  kind: BlockKind;
  /** Real sysfs path of the block device. */
  sysPath: string;
  /** Partition number (from the `partition` file). */
  partition?: number;
  dmUuid?: string;
  dmName?: string;
  mdLevel?: string;
  mdUuid?: string;
  identity?: BlockIdentity;
  /** The devices this one is built on: dm/md slaves, or a partition's disk. Empty for a disk. */
  slaves: BlockNode[];
  /** For a disk: its parents up to /sys/devices (the disk device itself first, the root bus last). */
  hardware?: AncestorFact[];
}

/** A file system on the network (NFS): where it is served from, as the boot command line names it. */
export interface NetworkFsFact {
  /** "nfs" (NFSv2/3) or "nfs4". */
  kind: 'nfs' | 'nfs4';
  /** The server as mountinfo names it: an address (IPv6 in brackets) or a host name. */
  server: string;
  /** The exported path. */
  path: string;
  /** The options an image mounts it with again (version, transport, security, sizes; no addresses). */
  options: string;
}

/** One interface on the way from the route to the hardware. */
export interface NicLink {
  iface: string;
  /** nic: has a device (hardware below); the others are the kernel's virtual interfaces. */
  kind: 'nic' | 'bridge' | 'bond' | 'vlan';
  /** The module a virtual kind needs (bridge, bonding, 8021q); absent for a card. */
  module?: string;
  /** A card's MAC address, when sysfs has one. */
  mac?: string;
  /** A card's device chain, nearest first (its driver, its bus's). */
  hardware: AncestorFact[];
  /** The interface above this one ("" for the routed one). */
  above: string;
}

/** The way to a server through the host's routing table: the interface, then what is under it. */
export interface NicRoute {
  server: string;
  /** The interface the route leaves by ("" when no routing table said and every card that is up was taken). */
  iface: string;
  /** The route, in ip's words: "default via 10.0.2.2 dev eth0", "10.0.2.0/24 dev eth0". */
  route: string;
  /** The routed interface first, then what is under it, down to the cards. */
  links: NicLink[];
}

/** The root's server (NFS, NBD, iSCSI portal) and the route to it, found when the facts were taken, so
 *  that an image built from a capture (host.json, --sysfs/--procfs) gets the same card. */
export interface NetworkRootFact {
  server: string;
  /** What named it: the root= the image embeds ("root=nfs:10.0.3.1:/srv/root"), or the command line's. */
  from: string;
  route: NicRoute;
}

/** A mounted file system (/ or a separate /usr) with the block stack it lives on, or, for a file
 *  system on the network, where it is served from (then `device` is absent). */
export interface MountedFs extends MountFact {
  device?: BlockNode;
  network?: NetworkFsFact;
}

/** An input device that can type (letters and Enter), with the chain of devices it hangs from. */
export interface KeyboardFact {
  sysPath: string;
  name?: string;
  modalias?: string;
  /** The input device's parents, nearest first (hid, usb interface, usb device, host controller, ...). */
  hardware: AncestorFact[];
}

export interface HostFacts {
  kernelRelease?: string;
  cmdline: string;
  root: MountedFs;
  usr?: MountedFs;
  devices: DeviceFact[];
  keyboards: KeyboardFact[];
  /** The iSCSI sessions the root (or /usr) is on; absent when it is on none. */
  iscsi?: IscsiSessionFact[];
  /** The NBD device the root is on (itself, or under its LUKS/LVM) and the server that serves it. */
  nbd?: NbdRootFact;
  /** A root on the network (NFS, NBD, iSCSI): its server and the route to it. */
  network?: NetworkRootFact;
}
