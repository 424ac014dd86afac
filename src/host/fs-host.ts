// The Host backed by the file system: a sysroot, with optional captured /sys and /proc trees.
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ExitCode, fsError, MkError, NotFoundError } from '../errors.js';
import type { DirEntryInfo, Host, RandomAccessFile } from './host.js';
import { normalizeInRoot, walkInRoot } from './in-root-path.js';

export interface FsHostOptions {
  root?: string;
  /** A captured sysfs tree that stands in for <root>/sys. */
  sysfs?: string;
  /** A captured procfs tree that stands in for <root>/proc. */
  procfs?: string;
}

export class FsHost implements Host {
  readonly root: string;
  private readonly _sysfs: string | undefined;
  private readonly _procfs: string | undefined;
  private readonly _realCache = new Map<string, string>();

  constructor(opts: FsHostOptions = {}) {
    this.root = opts.root ?? '/';
    this._sysfs = opts.sysfs;
    this._procfs = opts.procfs;
  }

  /** Disk location of an in-root path whose components are already resolved. */
  private _mapResolved(p: string): string {
    if (this._sysfs && (p === '/sys' || p.startsWith('/sys/'))) return join(this._sysfs, p.slice(4));
    if (this._procfs && (p === '/proc' || p.startsWith('/proc/'))) return join(this._procfs, p.slice(5));
    return join(this.root, p);
  }

  realpath(path: string): string {
    const key = normalizeInRoot(path);
    const hit = this._realCache.get(key);
    if (hit !== undefined) return hit;
    // Resolve the parent (cached per directory), then look at the last component only: a tree of
    // thousands of files under a few directories costs one lstat per file, not one per component.
    if (key !== '/') {
      const slash = key.lastIndexOf('/');
      const parent = this.realpath(slash === 0 ? '/' : key.slice(0, slash));
      const candidate = `${parent === '/' ? '' : parent}/${key.slice(slash + 1)}`;
      if (this._linkAt(candidate) === undefined) {
        this._realCache.set(key, candidate);
        return candidate;
      }
    }
    const out = walkInRoot(key, (next) => {
      const link = this._linkAt(next);
      return link === undefined ? 'dir' : { link };
    });
    if (out === undefined) throw new MkError(`${path}: too many levels of symbolic links`, ExitCode.unreadable, path);
    this._realCache.set(key, out);
    return out;
  }

  /** The target of the symlink at a resolved in-root path; undefined when it is not a link. */
  private _linkAt(resolved: string): string | undefined {
    const disk = this._mapResolved(resolved);
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(disk);
    } catch {
      return undefined; // missing or unreadable: not a link; the caller's read reports it
    }
    return st.isSymbolicLink() ? fs.readlinkSync(disk) : undefined;
  }

  diskPath(path: string): string {
    return this._mapResolved(this.realpath(path));
  }

  readFile(path: string): Buffer {
    try {
      return fs.readFileSync(this.diskPath(path));
    } catch (err) {
      throw fsError(err, path);
    }
  }

  readText(path: string): string {
    return _text(this.readFile(path));
  }

  tryReadText(path: string): string | undefined {
    try {
      return _text(fs.readFileSync(this.diskPath(path)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw fsError(err, path);
    }
  }

  open(path: string): RandomAccessFile {
    let fd: number;
    try {
      fd = fs.openSync(this.diskPath(path), 'r');
    } catch (err) {
      throw fsError(err, path);
    }
    const st = fs.fstatSync(fd);
    const size = st.size;
    // Block devices report size 0: read them until the device ends instead of capping at st.size.
    const capped = st.isFile();
    return {
      size,
      read(offset: number, length: number): Buffer {
        const len = capped ? Math.max(0, Math.min(length, size - offset)) : Math.max(0, length);
        const buf = Buffer.allocUnsafe(len);
        let got = 0;
        while (got < len) {
          const n = fs.readSync(fd, buf, got, len - got, offset + got);
          if (n === 0) break;
          got += n;
        }
        return got === len ? buf : buf.subarray(0, got);
      },
      close(): void {
        fs.closeSync(fd);
      },
    };
  }

  lstat(path: string): fs.Stats | undefined {
    const p = normalizeInRoot(path);
    const parent = p.slice(0, p.lastIndexOf('/')) || '/';
    const base = p.slice(p.lastIndexOf('/') + 1);
    const disk = p === '/' ? this._mapResolved('/') : this._mapResolved(`${this.realpath(parent)}/${base}`.replace('//', '/'));
    try {
      return fs.lstatSync(disk);
    } catch {
      return undefined;
    }
  }

  stat(path: string): fs.Stats | undefined {
    try {
      return fs.statSync(this.diskPath(path));
    } catch {
      return undefined;
    }
  }

  readlink(path: string): string {
    const p = normalizeInRoot(path);
    const parent = p.slice(0, p.lastIndexOf('/')) || '/';
    const disk = this._mapResolved(`${this.realpath(parent)}/${p.slice(p.lastIndexOf('/') + 1)}`.replace('//', '/'));
    try {
      return fs.readlinkSync(disk);
    } catch (err) {
      throw fsError(err, path);
    }
  }

  readdir(path: string): string[] {
    try {
      return fs.readdirSync(this.diskPath(path)).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw fsError(err, path);
    }
  }

  readdirEntries(path: string): DirEntryInfo[] {
    try {
      const real = this.realpath(path);
      const asked = normalizeInRoot(path);
      const entries = fs
        .readdirSync(this._mapResolved(real), { withFileTypes: true })
        .map((d) => ({ name: d.name, isDir: d.isDirectory() }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      // A real directory inside a resolved one resolves to itself: remember it, so walking a tree
      // (sysfs has thousands of directories) costs no per-component lstat.
      const base = real === '/' ? '' : real;
      for (const e of entries) {
        if (!e.isDir) continue;
        this._realCache.set(`${base}/${e.name}`, `${base}/${e.name}`);
        if (asked !== real) this._realCache.set(`${asked === '/' ? '' : asked}/${e.name}`, `${base}/${e.name}`);
      }
      return entries;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw fsError(err, path);
    }
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }
}

// UTF-8 text; the big files read as text (modules.alias, modules.dep, modules.symbols, a kernel
// config) are ASCII, and ASCII bytes decode to the same string twice as fast through latin1.
function _text(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}
