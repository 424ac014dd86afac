// A Host that passes every call through and remembers what was observed under /sys and /proc, so a
// capture can rebuild exactly that much. Observations are kept as the detectors use them: file
// contents, directories listed, paths resolved through links, and lstat answers that were real
// directories (detection asks lstat nothing else — see isRealDirectory in sysfs-attrs.ts).
import type { Stats } from 'node:fs';
import type { DirEntryInfo, Host, RandomAccessFile } from '../host/host.js';
import { normalizeInRoot } from '../host/in-root-path.js';

export type Observation =
  | { kind: 'file'; path: string; content: Buffer }
  | { kind: 'dir'; path: string }
  | { kind: 'resolve'; path: string }
  | { kind: 'link'; path: string };

export class RecordingHost implements Host {
  readonly observations: Observation[] = [];

  constructor(private readonly _inner: Host) {}

  get root(): string {
    return this._inner.root;
  }

  realpath(path: string): string {
    this._note({ kind: 'resolve', path });
    return this._inner.realpath(path);
  }

  diskPath(path: string): string {
    this._note({ kind: 'resolve', path });
    return this._inner.diskPath(path);
  }

  readFile(path: string): Buffer {
    const content = this._inner.readFile(path);
    this._note({ kind: 'file', path, content });
    return content;
  }

  readText(path: string): string {
    return this.readFile(path).toString('utf8');
  }

  tryReadText(path: string): string | undefined {
    const text = this._inner.tryReadText(path);
    if (text !== undefined) this._note({ kind: 'file', path, content: Buffer.from(text, 'utf8') });
    return text;
  }

  open(path: string): RandomAccessFile {
    return this._inner.open(path); // block devices: what detection reads from them goes to blkid.tab
  }

  lstat(path: string): Stats | undefined {
    const st = this._inner.lstat(path);
    if (st?.isDirectory()) this._note({ kind: 'dir', path });
    return st;
  }

  stat(path: string): Stats | undefined {
    this._note({ kind: 'resolve', path });
    return this._inner.stat(path);
  }

  readlink(path: string): string {
    this._note({ kind: 'link', path });
    return this._inner.readlink(path);
  }

  readdir(path: string): string[] {
    this._note({ kind: 'dir', path });
    return this._inner.readdir(path);
  }

  readdirEntries(path: string): DirEntryInfo[] {
    this._note({ kind: 'dir', path });
    const entries = this._inner.readdirEntries(path);
    const base = normalizeInRoot(path);
    for (const e of entries) if (e.isDir) this._note({ kind: 'dir', path: `${base}/${e.name}` });
    return entries;
  }

  exists(path: string): boolean {
    this._note({ kind: 'resolve', path });
    return this._inner.exists(path);
  }

  private _note(observation: Observation): void {
    const path = normalizeInRoot(observation.path);
    if (isCapturedPath(path)) this.observations.push({ ...observation, path });
  }
}

/** Only /sys and /proc can be captured; /dev and /run are summarised in blkid.tab instead. */
export function isCapturedPath(path: string): boolean {
  return path === '/sys' || path.startsWith('/sys/') || path === '/proc' || path.startsWith('/proc/');
}
