// Differential test against glibc's own ldd (used here only, as the oracle): for every ELF program
// in /usr/bin and /usr/sbin of this machine, the set of files our resolver says it loads (real
// paths) must equal what ldd reports. Then every ELF program of the Debian fixture root must
// resolve without error to files inside that root (no chroot-free oracle exists for it).
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ElfFile } from '../../src/elf/elf-file.js';
import { resolveBinaries } from '../../src/elf/library-resolver.js';
import { BadElfError } from '../../src/errors.js';
import { FsHost } from '../../src/host/fs-host.js';
import type { Host } from '../../src/host/host.js';
import { debianRoot } from '../support/fixtures.js';

const run = promisify(execFile);
const PROGRAM_DIRS = ['/usr/bin', '/usr/sbin'];

/** In-root real paths of the ELF executables under `dirs` of the host's root, sorted and deduplicated. */
function elfPrograms(host: Host, dirs: string[]): string[] {
  const out = new Set<string>();
  for (const dir of dirs) {
    for (const name of host.readdir(dir)) {
      const real = host.realpath(`${dir}/${name}`);
      const st = host.stat(real);
      if (!st?.isFile() || (st.mode & 0o111) === 0 || !_isElf(host, real)) continue;
      out.add(real);
    }
  }
  return [...out].sort();
}

function _isElf(host: Host, path: string): boolean {
  const file = host.open(path);
  try {
    return ElfFile.isElf(file.read(0, 4));
  } finally {
    file.close();
  }
}

interface LddAnswer {
  files: Set<string>;
  missing: string[];
}

/** What ldd says `program` loads: real paths, and names it could not find. */
async function ldd(program: string): Promise<LddAnswer> {
  let stdout: string;
  try {
    stdout = (await run('ldd', [program], { maxBuffer: 1 << 20 })).stdout;
  } catch (err) {
    stdout = (err as { stdout?: string }).stdout ?? '';
  }
  const files = new Set<string>();
  const missing: string[] = [];
  for (const line of stdout.split('\n')) {
    const found = /^\s*(\S+) => (\S+) \(0x[0-9a-f]+\)$/.exec(line);
    const direct = /^\s*(\/\S+) \(0x[0-9a-f]+\)$/.exec(line);
    const lost = /^\s*(\S+) => not found$/.exec(line);
    if (found?.[2]) files.add(realpathSync(found[2]));
    else if (direct?.[1]) files.add(realpathSync(direct[1]));
    else if (lost?.[1]) missing.push(lost[1]);
  }
  return { files, missing };
}

async function inPool<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

describe('library resolver vs ldd', () => {
  it('finds exactly the files ldd reports for every ELF program in /usr/bin and /usr/sbin', async () => {
    const host = new FsHost({ root: '/' });
    const programs = elfPrograms(host, PROGRAM_DIRS);
    const mismatches: string[] = [];
    let withLibraries = 0;
    await inPool(programs, 8, async (program) => {
      const oracle = await ldd(program);
      let ours: Set<string>;
      try {
        ours = new Set(resolveBinaries(host, [program]).filter((f) => f.kind === 'file' && f.path !== program).map((f) => f.path));
      } catch (err) {
        const named = oracle.missing.some((m) => (err as Error).message.includes(`library ${m},`));
        if (!(err instanceof BadElfError && named)) mismatches.push(`${program}: we fail (${(err as Error).message}), ldd finds all`);
        return;
      }
      if (oracle.missing.length > 0) mismatches.push(`${program}: ldd misses ${oracle.missing.join(' ')}, we find them`);
      const extra = [...ours].filter((f) => !oracle.files.has(f));
      const lacking = [...oracle.files].filter((f) => !ours.has(f));
      if (extra.length + lacking.length > 0) mismatches.push(`${program}: extra [${extra.join(' ')}] missing [${lacking.join(' ')}]`);
      if (ours.size > 0) withLibraries++;
    });
    console.log(`ldd differential: ${programs.length} ELF programs checked (${withLibraries} dynamic), ${mismatches.length} mismatches`);
    for (const m of mismatches.slice(0, 20)) console.log(`  ${m}`);
    expect(programs.length).toBeGreaterThan(100);
    expect(withLibraries).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  }, 300_000);

  it('resolves every ELF program of the Debian fixture root to files inside it', () => {
    const root = debianRoot();
    const host = new FsHost({ root });
    const programs = elfPrograms(host, PROGRAM_DIRS);
    const failures: string[] = [];
    let libraries = 0;
    for (const program of programs) {
      try {
        for (const f of resolveBinaries(host, [program])) {
          if (f.kind === 'file' && f.path !== program) libraries++;
          if (f.kind === 'file' && host.realpath(f.path) !== f.path) failures.push(`${program}: ${f.path} is not a real path`);
          if (f.kind === 'symlink' && host.lstat(f.path)?.isSymbolicLink() !== true) failures.push(`${program}: ${f.path} is no symlink`);
        }
      } catch (err) {
        failures.push(`${program}: ${(err as Error).message}`);
      }
    }
    console.log(`debian fixture: ${programs.length} ELF programs resolved, ${libraries} library files, ${failures.length} failures`);
    expect(programs.length).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  }, 120_000);
});
