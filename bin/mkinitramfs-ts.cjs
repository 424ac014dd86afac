#!/usr/bin/env node
// The CLI entry (the only place that sets the exit status). CommonJS: Node starts it ~8 ms sooner
// than an ES module entry. bin/mkinitramfs-ts.js, the entry of earlier releases, runs this file.
'use strict';
const { loadCli } = require('./load-cli.cjs');

const cli = loadCli();

// A reader that stops early (`mkinitramfs-ts ls IMG | head`) closes the pipe: the output is over,
// which is not an error of ours.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

cli.main(process.argv).then((code) => {
  process.exitCode = code;
  // Set by scripts/bundle.mjs only: the cache is written after a run, when V8 has compiled what ran.
  const out = process.env.MKINITRAMFS_TS_WRITE_CODE_CACHE;
  if (out) cli.writeCache(out);
});
