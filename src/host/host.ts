// The one seam through which everything reads the machine an image is built for. Paths are absolute
// paths *inside* the sysroot ("/lib/modules/..."); /sys and /proc may come from captured trees.
import type { Stats } from 'node:fs';

export interface RandomAccessFile {
  readonly size: number;
  read(offset: number, length: number): Buffer;
  close(): void;
}

export interface DirEntryInfo {
  name: string;
  /** A directory itself, not a symlink to one (lstat semantics). */
  isDir: boolean;
}

export interface Host {
  /** The sysroot on disk ("/" for the live machine). */
  readonly root: string;
  /** Follow symlinks chroot-style; returns the final in-root path. Never leaves the sysroot. */
  realpath(path: string): string;
  /** The on-disk path of an in-root path, after resolving symlinks inside the root. */
  diskPath(path: string): string;
  readFile(path: string): Buffer;
  readText(path: string): string;
  /** undefined when the file does not exist; other errors throw. */
  tryReadText(path: string): string | undefined;
  open(path: string): RandomAccessFile;
  lstat(path: string): Stats | undefined;
  stat(path: string): Stats | undefined;
  readlink(path: string): string;
  /** Sorted names; [] when the directory does not exist. */
  readdir(path: string): string[];
  /** Sorted entries with whether each is a real directory (not a symlink to one): one call, no lstat each. */
  readdirEntries(path: string): DirEntryInfo[];
  exists(path: string): boolean;
}
