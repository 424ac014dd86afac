// Bundles the CLI into one script, dist/mkinitramfs-ts.cjs, which bin/mkinitramfs-ts.cjs runs: the
// Debian package and npm install it without node_modules, and Node reads one file instead of
// resolving ~170 modules one by one. Types are checked by `tsc --noEmit` before this runs; esbuild
// only strips them.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
const bundle = 'mkinitramfs-ts.cjs';
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  write: false,
  bundle: true,
  platform: 'node',
  // CommonJS, so that the entry can require() it. node18: Debian 12's nodejs is 18.x, so the bundle
  // may hold no syntax newer than Node 18 parses.
  format: 'cjs',
  target: 'node18',
  // The sources are ES modules that find the package through import.meta.url.
  define: { 'import.meta.url': '__mkitsBundleUrl' },
  banner: { js: "const __mkitsBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
const [out] = result.outputFiles;
// The bundle is installed without node_modules: it may load nothing but Node's built-ins.
const loose = /\b(?:require|import|createRequire\)?\([^()]*\))\(\s*["'](?!node:)([^"']+)["']/.exec(out.text);
if (loose) throw new Error(`the bundle loads ${loose[1]} at run time (offset ${loose.index}): import it statically so esbuild bundles it`);

// Tests run the CLI while others rebuild it: replace the file atomically, never delete the bundle first.
mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) if (name !== bundle) rmSync(join(dist, name), { recursive: true, force: true });
const temp = join(dist, `.${bundle}.${process.pid}`);
writeFileSync(temp, out.contents);
renameSync(temp, join(dist, bundle));
