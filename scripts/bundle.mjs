// Bundles the CLI into one ES module, dist/mkinitramfs-ts.mjs, which bin/mkinitramfs-ts.js loads.
// One file instead of ~150 modules: Node 20 resolves and compiles each ES module separately, and that
// cost ~60 ms of every run (measured on a host-only build, 0.44 s → 0.38 s). Types are checked by
// `tsc --noEmit` before this runs; esbuild only strips them.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
const bundle = 'mkinitramfs-ts.mjs';
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: join(dist, bundle),
  write: false,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // commander is CommonJS and calls require() for Node's built-ins; an ES module has no require.
  banner: { js: "import { createRequire as __mkitsCreateRequire } from 'node:module';\nconst require = __mkitsCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
// Tests run the CLI while others rebuild it: replace the bundle atomically, never delete it first.
mkdirSync(dist, { recursive: true });
for (const name of readdirSync(dist)) if (name !== bundle) rmSync(join(dist, name), { recursive: true, force: true });
const [out] = result.outputFiles;
const temp = join(dist, `.${bundle}.${process.pid}`);
writeFileSync(temp, out.contents);
renameSync(temp, join(dist, bundle));
