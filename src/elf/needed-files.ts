// The answer of the resolver: every file a set of programs needs at run time, with each symlink that
// leads to one, deduplicated (the first reason wins) in the order they were found.
import type { Host } from '../host/host.js';
import { symlinkChain } from './symlink-chain.js';

export interface NeededFile {
  /** In-root absolute path; its parent directories contain no symlinks. */
  path: string;
  kind: 'file' | 'symlink';
  /** The link text, for symlinks. */
  linkTarget?: string;
  /** Why it is needed: "binary requested", "interpreter of /usr/bin/x", "library libc.so.6 of /usr/bin/x". */
  reason: string;
  /** The file that needed it, when another file did. */
  via?: string;
}

export class NeededFiles {
  private readonly _byPath = new Map<string, NeededFile>();

  constructor(private readonly _host: Host) {}

  /** Record `path` and the symlinks on the way to it; returns the final, symlink-free path. */
  add(path: string, reason: string, via?: string): string {
    const chain = symlinkChain(this._host, path);
    for (const hop of chain.hops) this._put({ path: hop.path, kind: 'symlink', linkTarget: hop.target, reason, ...(via ? { via } : {}) });
    this._put({ path: chain.finalPath, kind: 'file', reason, ...(via ? { via } : {}) });
    return chain.finalPath;
  }

  list(): NeededFile[] {
    return [...this._byPath.values()];
  }

  private _put(entry: NeededFile): void {
    if (!this._byPath.has(entry.path)) this._byPath.set(entry.path, entry);
  }
}
