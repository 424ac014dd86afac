// Bundles the CLI into one script, dist/mkinitramfs-ts.cjs, and makes V8's code cache for it,
// dist/mkinitramfs-ts.cjs.cache; bin/load-cli.cjs loads both. Two start-up costs go away:
// Node 20 resolves and compiles ~150 ES modules one by one (~60 ms of every run, measured on a
// host-only build), and V8 compiles every function the run calls (the cache holds their bytecode:
// a host-only build 0.58 s → 0.49 s, median of 8, on a 2-core VM). Types are checked by
// `tsc --noEmit` before this runs; esbuild only strips them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
const bundle = 'mkinitramfs-ts.cjs';
const cache = `${bundle}.cache`;
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  write: false,
  bundle: true,
  platform: 'node',
  // A classic script (CommonJS), because only scripts take a code cache (vm.Script). node18: Debian 12's
  // nodejs is 18.x, so the bundle may hold no syntax newer than Node 18 parses.
  format: 'cjs',
  target: 'node18',
  // The sources are ES modules that find the package through import.meta.url.
  define: { 'import.meta.url': '__mkitsBundleUrl' },
  banner: { js: "const __mkitsBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
const [out] = result.outputFiles;
// import() of anything esbuild did not bundle (a node: built-in) would need a dynamic-import hook,
// which code from V8's cache does not get: such imports must be static.
const dynamic = /\bimport\(["']/.exec(out.text);
if (dynamic) throw new Error(`the bundle keeps a dynamic import() at offset ${dynamic.index}: import that module statically`);
// The Debian package installs the bundle without node_modules: it may load nothing but Node's built-ins.
const loose = /\b(?:require|createRequire\)?\([^()]*\))\(\s*["'](?!node:)([^"']+)["']/.exec(out.text);
if (loose) throw new Error(`the bundle loads ${loose[1]} at run time (offset ${loose.index}): import it statically so esbuild bundles it`);
// The loader uses a cache only when it was made from this very text: V8 itself compares lengths only.
const id = createHash('sha256').update(out.contents).digest('hex').slice(0, 16);
const text = `${out.text}\n// build ${id}\n`;

// Tests run the CLI while others rebuild it: replace files atomically, never delete the bundle first.
// Between the two renames a run sees the new bundle with the old cache, whose id does not match.
mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) if (name !== bundle && name !== cache) rmSync(join(dist, name), { recursive: true, force: true });
const tempBundle = join(dist, `.${bundle}.${process.pid}`);
writeFileSync(tempBundle, text);
renameSync(tempBundle, join(dist, bundle));
const tempCache = join(dist, `.${cache}.${process.pid}`);
const { NODE_OPTIONS: _flagsChangeTheCache, ...env } = process.env;
// The warm-up run lists the features: the start-up path and the modules.d loader every build uses.
// Its exit status is not ours to judge (a feature folder being worked on may not parse yet); without a
// cache the command only starts slower.
const warm = spawnSync(process.execPath, [join(root, 'bin/mkinitramfs-ts.cjs'), 'modules'], { env: { ...env, MKINITRAMFS_TS_WRITE_CODE_CACHE: tempCache }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (existsSync(tempCache)) renameSync(tempCache, join(dist, cache));
else {
  rmSync(join(dist, cache), { force: true });
  console.warn(`bundle: no code cache made (the warm-up run failed: ${(warm.stderr ?? '').trim().split('\n')[0] || warm.error?.message || `exit ${warm.status}`})`);
}
