// Loads the one-file CLI, dist/mkinitramfs-ts.cjs, with the V8 code cache `npm run build` made for
// it (dist/mkinitramfs-ts.cjs.cache): the functions arrive compiled instead of being compiled on first
// call. A cache from another build (its id line differs) is not offered to V8; one from another
// Node/V8 is rejected by V8 itself. Either way the only cost is the compile time the cache saves.
// CommonJS, as the entry that uses it: Node starts a CommonJS entry ~8 ms sooner than an ES module one.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, '../dist/mkinitramfs-ts.cjs');

/** The build id scripts/bundle.mjs put on the bundle's last line ("// build 0123abcd..."). */
function bundleId(source) {
  return /\n\/\/ build (\w+)\n$/.exec(source.slice(-64))?.[1] ?? 'none';
}

function _cachedData(file, id) {
  try {
    const data = readFileSync(file);
    const head = Buffer.from(`${id}\n`);
    return data.subarray(0, head.length).equals(head) ? data.subarray(head.length) : undefined;
  } catch {
    return undefined;
  }
}

/** Compile and run the bundle; returns its exports and what became of the cache. */
function loadCli(bundle = BUNDLE) {
  const source = readFileSync(bundle, 'utf8');
  const id = bundleId(source);
  const cachedData = _cachedData(`${bundle}.cache`, id);
  // The wrapper stays on the bundle's first line, so line numbers in stack traces are the file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  const cli = { exports: {} };
  script.runInThisContext()(cli.exports, createRequire(bundle), cli, bundle, dirname(bundle));
  return {
    main: cli.exports.main,
    cache: cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used',
    /** Write the cache for this bundle, holding what V8 has compiled so far (scripts/bundle.mjs). */
    writeCache: (file) => writeFileSync(file, Buffer.concat([Buffer.from(`${id}\n`), script.createCachedData()])),
  };
}

module.exports = { BUNDLE, bundleId, loadCli };
