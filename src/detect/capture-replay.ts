// Rebuild the observed part of /sys and /proc under a directory: directories as directories, links
// as links with the same text (so they resolve the same way inside the copy), files with the bytes
// detection saw. The link chains behind every resolved path are rebuilt component by component.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { fsError } from '../errors.js';
import type { Host } from '../host/host.js';
import { walkInRoot } from '../host/in-root-path.js';
import { isCapturedPath, type Observation } from './recording-host.js';

export interface ReplayCounts {
  dirs: number;
  links: number;
  files: number;
}

type _Last = 'follow' | 'link' | 'file';

export class CaptureReplay {
  readonly counts: ReplayCounts = { dirs: 0, links: 0, files: 0 };
  private readonly _made = new Set<string>();

  constructor(
    private readonly _source: Host,
    private readonly _outDir: string,
  ) {}

  replay(observations: readonly Observation[]): void {
    for (const obs of observations) {
      if (obs.kind === 'file') this._materialize(obs.path, 'file', obs.content);
      else if (obs.kind === 'link') this._materialize(obs.path, 'link');
      else this._materialize(obs.path, 'follow');
    }
  }

  /** Walk `path` as the kernel would, creating each existing component in the copy. */
  private _materialize(path: string, last: _Last, content?: Buffer): void {
    walkInRoot(path, (next, isLast) => {
      if (!isCapturedPath(next)) return 'stop';
      const st = this._source.lstat(next);
      if (st === undefined) return 'stop';
      if (st.isSymbolicLink()) {
        const target = this._source.readlink(next);
        this._make(next, () => fs.symlinkSync(target, this._out(next)), 'links');
        return isLast && last === 'link' ? 'stop' : { link: target };
      }
      if (st.isDirectory()) {
        this._make(next, () => fs.mkdirSync(this._out(next)), 'dirs');
        return 'dir';
      }
      if (isLast && st.isFile()) {
        const bytes = content ?? this._source.readFile(next);
        this._make(next, () => fs.writeFileSync(this._out(next), bytes), 'files');
      }
      return 'stop';
    });
  }

  private _make(inRoot: string, create: () => void, counter: keyof ReplayCounts): void {
    if (this._made.has(inRoot)) return;
    try {
      create();
    } catch (err) {
      throw fsError(err, this._out(inRoot), 'write');
    }
    this._made.add(inRoot);
    this.counts[counter]++;
  }

  private _out(inRoot: string): string {
    return join(this._outDir, inRoot);
  }
}
