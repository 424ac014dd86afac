// Tiny images for the inspect tests, built from records with the repo's NewcWriter — or, for what the
// writer rightly refuses (absolute names), with hand-made newc headers — and compressed per segment.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { compress } from '../../../src/compress/compress.js';
import type { CompressFormat } from '../../../src/compress/compress-spec.js';
import { NewcWriter, type NewcRecord } from '../../../src/cpio/newc-writer.js';
import { S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG } from '../../../src/cpio/newc-format.js';

export const MTIME = 1_700_000_000;

/** A record without an inode yet: the archive numbers them in order unless `ino` is given. */
export type Rec = Omit<NewcRecord, 'ino' | 'nlink' | 'mtime'> & { ino?: number; nlink?: number; mtime?: number };

export const dir = (name: string, mode = 0o755): Rec => ({ name, mode: S_IFDIR | mode });
export const file = (name: string, data: string | Buffer, mode = 0o644): Rec => ({
  name,
  mode: S_IFREG | mode,
  data: Buffer.isBuffer(data) ? data : Buffer.from(data),
});
export const link = (name: string, target: string): Rec => ({ name, mode: S_IFLNK | 0o777, data: Buffer.from(target) });
export const chardev = (name: string, major: number, minor: number, mode = 0o600): Rec => ({
  name,
  mode: S_IFCHR | mode,
  rdevmajor: major,
  rdevminor: minor,
});
export const fifo = (name: string): Rec => ({ name, mode: S_IFIFO | 0o644 });

/** Every parent directory of the given paths ("a/b/c" → "a", "a/b"), for archives that must be complete. */
export function parents(...paths: string[]): Rec[] {
  const seen = new Set<string>();
  for (const p of paths) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) seen.add(parts.slice(0, i).join('/'));
  }
  return [...seen].sort().map((d) => dir(d));
}

/** One uncompressed newc archive, trailer included. */
export function archive(records: readonly Rec[]): Buffer {
  const writer = new NewcWriter();
  let ino = 100;
  for (const r of records) writer.add({ ino: r.ino ?? ino++, nlink: r.nlink ?? 1, mtime: r.mtime ?? MTIME, ...r });
  return Buffer.concat(writer.finish());
}

/** A newc archive written by hand, byte for byte, so that it may hold names our writer refuses. */
export function rawArchive(
  records: ReadonlyArray<{ name: string; mode: number; data?: Buffer; uid?: number; gid?: number; rdevmajor?: number; rdevminor?: number }>,
): Buffer {
  const parts: Buffer[] = [];
  const pad = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);
  const all = [...records, { name: 'TRAILER!!!', mode: 0, data: Buffer.alloc(0) }];
  all.forEach((r, i) => {
    const data = r.data ?? Buffer.alloc(0);
    const name = Buffer.from(`${r.name}\0`);
    const rec = r as typeof r & { uid?: number; gid?: number; rdevmajor?: number; rdevminor?: number };
    const fields = [i + 1, r.mode, rec.uid ?? 0, rec.gid ?? 0, 1, MTIME, data.length, 0, 0, rec.rdevmajor ?? 0, rec.rdevminor ?? 0, name.length, 0];
    const header = Buffer.from(`070701${fields.map((f) => f.toString(16).toUpperCase().padStart(8, '0')).join('')}`, 'latin1');
    parts.push(header, name, pad(header.length + name.length), data, pad(data.length));
  });
  return Buffer.concat(parts);
}

/** An image: each segment an archive, compressed as given ("none" leaves it as it is). */
export async function image(...segments: Array<{ records: readonly Rec[]; format?: CompressFormat }>): Promise<Buffer> {
  const out: Buffer[] = [];
  for (const s of segments) out.push(await compress(archive(s.records), { format: s.format ?? 'none' }));
  return Buffer.concat(out);
}

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory, removed after the current test. */
export function tempDir(prefix = 'mkinitramfs-inspect-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}

/** Writes `bytes` to a temporary file named `name` and returns its path. */
export function writeTemp(bytes: Buffer, name = 'test.img'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}
