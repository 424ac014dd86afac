#!/usr/bin/env node
import { loadCli } from './load-cli.js';

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
