// The keymap part of a build: the feature `keymap` joins with the compiled map and /etc/vconsole.conf
// when the sysroot (or --keymap) names a non-US keymap. A keymap the user asked for by name must work
// (an error otherwise); one only found in the sysroot's settings is a warning when it cannot be used —
// a kernel upgrade's hook must not fail for it, the prompt then has the US layout.
import { KEYMAP_DIR } from '../boot-contract.js';
import { ConfigError } from '../errors.js';
import type { Host } from '../host/host.js';
import { chooseKeymap, KEYMAP_DIRS } from './choose-keymap.js';
import { compileKeymap } from './compile-keymap.js';

export interface ImageKeymap {
  /** The feature to add and why; undefined: no keymap in this image. */
  feature?: { name: string; why: string };
  files: { path: string; content: Buffer | string; why: string }[];
  warnings: string[];
}

const NONE: ImageKeymap = { files: [], warnings: [] };

export function imageKeymap(host: Host, requested: string | undefined, loadkeys?: string): ImageKeymap {
  const lookup = chooseKeymap(host, requested);
  const fail = (problem: string, fix: string): ImageKeymap => {
    if (requested !== undefined) throw new ConfigError(`--keymap ${requested}: ${problem}: ${fix}`);
    return { ...NONE, warnings: [`console keymap: ${problem}; the passphrase prompt keeps the US layout (${fix})`] };
  };
  if (lookup.kind === 'none') return NONE;
  if (lookup.kind === 'missing') {
    const where = lookup.searched.map((d) => `${host.root.replace(/\/$/, '')}${d}`).join(', ');
    const fix = lookup.searched === KEYMAP_DIRS ? 'install console-data or kbd in the sysroot, or choose another keymap with --keymap' : 'fix the setting or choose one with --keymap';
    return fail(`${lookup.name} (from ${lookup.from}) is not in ${where}`, fix);
  }
  const { choice } = lookup;
  if (!/^[A-Za-z0-9_+][A-Za-z0-9._+-]*$/.test(choice.name)) return fail(`${JSON.stringify(choice.name)} is not a keymap name`, 'letters, digits, ".", "_", "+", "-"');
  const compiled = compileKeymap(host.diskPath(choice.source), loadkeys);
  if (!compiled.ok) return fail(`${choice.source}: ${compiled.problem}`, 'install kbd on the build machine, or build with --omit keymap');
  const why = `console keymap ${choice.name} from ${choice.from}`;
  return {
    feature: { name: 'keymap', why },
    files: [
      { path: `${KEYMAP_DIR}/${choice.name}.bmap`, content: compiled.bytes, why: `${why}: ${choice.source} compiled with loadkeys -b` },
      { path: '/etc/vconsole.conf', content: `KEYMAP=${choice.name}\n`, why },
    ],
    warnings: [],
  };
}
