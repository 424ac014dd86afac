// `ls`: every entry of every segment as stored, in archive order, grouped per segment with the
// segment's compression and where it lies in the file.
import type { CpioEntry, ImageSegment } from '../cpio/newc-reader.js';
import { escapeControl } from '../escape-control.js';
import { modeString } from './mode-string.js';

export interface ListedEntry {
  path: string;
  type: CpioEntry['type'];
  /** File type and permission bits. */
  mode: number;
  /** As `ls -l` shows it: "-rwxr-xr-x". */
  modeString: string;
  uid: number;
  gid: number;
  mtime: number;
  /** Bytes stored for the entry (a symlink's target length; 0 for all but one name of a hard-link group). */
  size: number;
  target?: string;
  major?: number;
  minor?: number;
  hardlinkOf?: string;
}

export interface ListedSegment {
  /** 1-based, in file order. */
  index: number;
  offset: number;
  end: number;
  compression: ImageSegment['compression'];
  archives: number;
  entries: ListedEntry[];
}

export function listSegments(segments: readonly ImageSegment[]): ListedSegment[] {
  return segments.map((s, i) => ({
    index: i + 1,
    offset: s.offset,
    end: s.end,
    compression: s.compression,
    archives: s.archives,
    entries: s.entries.map(_listed),
  }));
}

/** The text form: a header line per segment, then one `ls -l`-like line per entry. */
export function formatListing(listed: readonly ListedSegment[]): string {
  const lines: string[] = [];
  for (const seg of listed) {
    const what = seg.compression === 'none' ? 'uncompressed' : seg.compression;
    const archives = seg.archives === 1 ? '1 archive' : `${seg.archives} archives`;
    lines.push(`segment ${seg.index}: ${what}, offset ${seg.offset}, ${seg.end - seg.offset} bytes, ${archives}, ${seg.entries.length} entries`);
    const width = Math.max(1, ...seg.entries.map((e) => _sizeColumn(e).length));
    for (const e of seg.entries) {
      let line = `${e.modeString} ${String(e.uid).padStart(4)} ${String(e.gid).padStart(4)} ${_sizeColumn(e).padStart(width)} ${e.path}`;
      if (e.target !== undefined) line += ` -> ${e.target}`;
      if (e.hardlinkOf !== undefined) line += ` (hard link to ${e.hardlinkOf})`;
      lines.push(escapeControl(line));
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function _sizeColumn(e: ListedEntry): string {
  return e.major !== undefined ? `${e.major},${e.minor ?? 0}` : String(e.size);
}

function _listed(e: CpioEntry): ListedEntry {
  const out: ListedEntry = {
    path: e.path,
    type: e.type,
    mode: e.mode,
    modeString: modeString(e.type, e.mode),
    uid: e.uid,
    gid: e.gid,
    mtime: e.mtime,
    size: e.size,
  };
  if (e.target !== undefined) out.target = e.target;
  if (e.type === 'chardev' || e.type === 'blockdev') {
    out.major = e.rdevmajor;
    out.minor = e.rdevminor;
  }
  if (e.hardlinkOf !== undefined) out.hardlinkOf = e.hardlinkOf;
  return out;
}
