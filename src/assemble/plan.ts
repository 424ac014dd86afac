// The Plan: every entry of the image with the reason it is there. Built completely (pure), sorted and
// deduplicated, frozen, then serialised by the packer; `explain` and `--dry-run --json` print it.

export interface Reason {
  /** What put the entry there: "feature base", "module virtio_blk, dependency of virtio_scsi", ... */
  why: string;
  /** Where a reason chains further (explain walks these): e.g. the module or binary that needed it. */
  via?: string;
}

interface EntryBase {
  /** Absolute path inside the image, normalised ("/usr/bin/busybox"). */
  path: string;
  reasons: Reason[];
}

export interface DirEntry extends EntryBase {
  type: 'dir';
  mode: number;
}

export interface FileEntry extends EntryBase {
  type: 'file';
  mode: number;
  /** Absolute path on the build machine to copy from, or ... */
  source?: string;
  /** ... inline content. Exactly one of the two. */
  content?: string | Buffer;
  /** The compressed file (on the build machine) that `content` was decompressed from: a .ko.xz module. */
  decompressedFrom?: string;
}

export interface SymlinkEntry extends EntryBase {
  type: 'symlink';
  target: string;
}

export interface HardlinkEntry extends EntryBase {
  type: 'hardlink';
  /** Image path of the file entry this is another name of. */
  target: string;
}

export interface DeviceEntry extends EntryBase {
  type: 'chardev' | 'blockdev';
  mode: number;
  major: number;
  minor: number;
}

export type PlanEntry = DirEntry | FileEntry | SymlinkEntry | HardlinkEntry | DeviceEntry;

/**
 * Something asked for that the image does not hold as a file, and needs not: a driver the target kernel
 * has built in, or lacks while the image can boot without it (a generic list on a kernel of another
 * flavour). Never an error; `--dry-run` and `explain` show them.
 */
export interface PlanNote {
  /** What it is about: a module or alias name, or a "=DIR" group. */
  subject: string;
  /** "built into kernel 6.1.0-57-cloud-amd64", "not in kernel …: skipped" */
  text: string;
  /** Why it was asked for, each request that asked ("feature kernel-modules (default)"). */
  reasons: string[];
}

/** The finished plan: complete when planning ends, and frozen (PlanBuilder.build()). */
export interface Plan {
  readonly kver: string;
  readonly entries: readonly PlanEntry[];
  /** Uncompressed early cpio (microcode), if any. */
  readonly early: readonly PlanEntry[];
  readonly warnings: readonly string[];
  /** Sorted by subject, then text; one note per subject and text, its reasons merged. */
  readonly notes: readonly PlanNote[];
}
