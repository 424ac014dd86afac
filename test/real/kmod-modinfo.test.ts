// Our .modinfo reader against `modinfo -0` (kmod) on real modules: 310 plain .ko files and 25 each
// recompressed as .ko.xz (crc32 check), .ko.zst and .ko.gz (gzip -n). kmod here is built without
// zlib, so the .gz copies are compared with kmod's reading of the original file.
import { execFile, execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FsHost } from '../../src/host/fs-host.js';
import { openKmodDb } from '../../src/kmod/kmod-db.js';
import type { Modinfo } from '../../src/kmod/modinfo.js';
import { readModinfo } from '../../src/kmod/modinfo-reader.js';
import { kernelRoot, kver } from '../support/fixtures.js';

const run = promisify(execFile);
const SIG_FIELDS = new Set(['sig_id', 'signer', 'sig_key', 'sig_hashalgo', 'signature']);

/** `modinfo -0` as [plain "key=value" records, "parm:" records] (signature fields left out: not .modinfo). */
async function kmodModinfo(diskPath: string): Promise<{ fields: string[]; parms: string[] }> {
  const { stdout } = await run('modinfo', ['-0', diskPath], { maxBuffer: 1 << 24 });
  const records = stdout.split('\0').filter((r) => r !== '' && !r.startsWith('filename:'));
  const parms = records.filter((r) => r.startsWith('parm:')).map((r) => r.slice(16));
  const fields = records.filter((r) => !r.startsWith('parm:') && !SIG_FIELDS.has(r.slice(0, r.indexOf('='))));
  return { fields, parms };
}

/** Ours in the same shape: parm/parmtype merged the way modinfo prints them. */
function ourModinfo(info: Modinfo): { fields: string[]; parms: string[] } {
  const fields = info.entries.filter((e) => e.key !== 'parm' && e.key !== 'parmtype').map((e) => `${e.key}=${e.value}`);
  const desc = new Map<string, string>();
  const type = new Map<string, string>();
  for (const e of info.entries) {
    const colon = e.value.indexOf(':');
    if (e.key === 'parm') desc.set(e.value.slice(0, colon), e.value.slice(colon + 1));
    if (e.key === 'parmtype') type.set(e.value.slice(0, colon), e.value.slice(colon + 1));
  }
  const parms = [...new Set([...desc.keys(), ...type.keys()])].map((n) => {
    const d = desc.get(n);
    const t = type.get(n);
    return d === undefined ? `${n}:${t ?? ''}` : t === undefined ? `${n}:${d}` : `${n}:${d} (${t})`;
  });
  return { fields, parms };
}

async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'kmod-modinfo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('.modinfo reader vs modinfo (real kernel)', () => {
  it('reads the same fields as kmod for 310 plain and 75 recompressed modules', async () => {
    const db = openKmodDb(new FsHost({ root: kernelRoot() }), kver());
    const all = db.data.dep.entries;
    const plain = all.filter((_, i) => i % 13 === 0);
    expect(plain.length).toBeGreaterThanOrEqual(300);
    const root = kernelRoot();
    const cases: Array<{ label: string; host: FsHost; path: string; oracle: string }> = plain.map((e) => {
      const path = db.pathOf(e.name) as string;
      return { label: path, host: db.host as FsHost, path, oracle: join(root, path) };
    });
    const tmpHost = new FsHost({ root: tmp });
    const picks = all.filter((_, i) => i % 157 === 5).slice(0, 25);
    mkdirSync(join(tmp, 'm'), { recursive: true });
    for (const e of picks) {
      const src = join(root, db.pathOf(e.name) as string);
      const base = join(tmp, 'm', e.name);
      copyFileSync(src, `${base}.ko`);
      execFileSync('xz', ['--check=crc32', '-k', '-f', `${base}.ko`]);
      execFileSync('zstd', ['-q', '-k', '-f', `${base}.ko`]);
      execFileSync('sh', ['-c', 'gzip -n -k -f "$1"', 'sh', `${base}.ko`]);
      for (const ext of ['xz', 'zst']) cases.push({ label: `${e.name}.ko.${ext}`, host: tmpHost, path: `/m/${e.name}.ko.${ext}`, oracle: `${base}.ko.${ext}` });
      cases.push({ label: `${e.name}.ko.gz`, host: tmpHost, path: `/m/${e.name}.ko.gz`, oracle: src });
    }
    const theirs = await pool(cases, Math.max(4, cpus().length * 3), (c) => kmodModinfo(c.oracle));
    const mismatches: string[] = [];
    let fieldCount = 0;
    cases.forEach((c, i) => {
      const ours = ourModinfo(readModinfo(c.host, c.path));
      const expected = theirs[i] as { fields: string[]; parms: string[] };
      fieldCount += ours.fields.length + ours.parms.length;
      if (JSON.stringify(ours.fields) !== JSON.stringify(expected.fields)) mismatches.push(`${c.label}: fields differ`);
      if (JSON.stringify([...ours.parms].sort()) !== JSON.stringify([...expected.parms].sort())) mismatches.push(`${c.label}: parm differ`);
      if (expected.fields.length === 0) mismatches.push(`${c.label}: kmod printed nothing`);
    });
    console.log(`modinfo: ${cases.length} files (${plain.length} .ko, ${picks.length} each .ko.xz/.ko.zst/.ko.gz), ${fieldCount} fields, ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
  }, 180_000);
});
