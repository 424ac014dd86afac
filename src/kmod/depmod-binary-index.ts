// kmod's binary indexes (modules.dep.bin, modules.alias.bin, ...) for exactly the modules of an
// image. libkmod (kmod's modprobe, and the kernel's request_module through it) reads only these, never
// the text files busybox reads. They are made by the build machine's own depmod on a temporary tree
// holding the image's module files (hard links where possible) and the subset's modules.order,
// modules.builtin and modules.builtin.modinfo; depmod's own trie writer is then the only one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ExitCode, MkError } from '../errors.js';
import type { ResolvedModuleFile } from './module-source.js';

/** A program the build needs on the build machine is missing or failed. */
export class BuildToolError extends MkError {
  constructor(message: string) {
    super(message, ExitCode.notFound);
  }
}

/** The subset files depmod reads besides the modules themselves (it writes everything else). */
const DEPMOD_INPUTS = ['modules.order', 'modules.builtin', 'modules.builtin.modinfo'];

export interface KmodIndexes {
  /** File name (in /lib/modules/KVER) → contents, only the *.bin files. */
  files: Map<string, Buffer>;
  /** depmod's modules.dep, to compare with the image's text one. */
  modulesDep: string;
}

/**
 * Run `depmod -b TMP KVER` on a tree of exactly `modules`. `subset` are the image's text depmod
 * files (modules.order etc.; modules.builtin.modinfo as a latin1 string). `depmod` overrides the
 * program (tests); by default it is looked up on PATH and in /usr/sbin, /sbin.
 */
export function kmodBinaryIndexes(kver: string, modules: ResolvedModuleFile[], subset: ReadonlyMap<string, string | Buffer>, depmod = findDepmod()): KmodIndexes {
  const tmp = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-depmod-'));
  try {
    const dir = join(tmp, 'lib', 'modules', kver);
    mkdirSync(dir, { recursive: true });
    for (const m of modules) {
      const dest = join(dir, m.relPath);
      mkdirSync(dirname(dest), { recursive: true });
      if (m.content !== undefined) writeFileSync(dest, m.content);
      else _linkOrCopy(m.diskPath, dest);
    }
    for (const name of DEPMOD_INPUTS) {
      const content = subset.get(name);
      if (content !== undefined) writeFileSync(join(dir, name), content);
    }
    // an empty configuration: the build machine's depmod.d must not change the image's indexes
    // (the tree holds one file per module name, so search/override order has nothing to decide)
    const conf = join(tmp, 'depmod.d');
    mkdirSync(conf);
    const r = spawnSync(depmod, ['-C', conf, '-b', tmp, kver], { encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw new BuildToolError(`cannot run ${depmod}: ${r.error.message} (install kmod on the build machine)`);
    if (r.status !== 0) throw new BuildToolError(`${depmod} -b ${tmp} ${kver} failed with exit ${r.status}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
    const files = new Map<string, Buffer>();
    for (const name of readdirSync(dir).sort()) if (name.endsWith('.bin')) files.set(name, readFileSync(join(dir, name)));
    if (!files.has('modules.dep.bin')) throw new BuildToolError(`${depmod} wrote no modules.dep.bin for ${kver} (is it kmod's depmod?)`);
    return { files, modulesDep: readFileSync(join(dir, 'modules.dep'), 'utf8') };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Where depmod is looked for: PATH, then the sbin directories a user's PATH often lacks. */
const depmodDirs = (): string[] => [...(process.env['PATH'] ?? '').split(delimiter).filter((d) => d.startsWith('/')), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** The build machine's depmod (kmod), or a BuildToolError saying to install kmod. */
export function findDepmod(dirs = depmodDirs()): string {
  for (const d of dirs) if (existsSync(join(d, 'depmod'))) return join(d, 'depmod');
  throw new BuildToolError("the image's modprobe is kmod's, which needs binary module indexes, and this machine has no depmod to write them: install kmod (apt-get install kmod)");
}

function _linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to); // another file system, or links not allowed there
  }
}
