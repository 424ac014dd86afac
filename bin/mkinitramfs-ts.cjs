#!/usr/bin/env node
// The mkinitramfs-ts command: runs the CLI that `npm run build` bundled into dist/mkinitramfs-ts.cjs.
// The only place that sets the exit status. The kernel hooks run this file too (`node …/bin/mkinitramfs-ts.cjs`),
// so it keeps this name.
'use strict';
const { main } = require('../dist/mkinitramfs-ts.cjs');

// A reader that stops early (`mkinitramfs-ts ls IMG | head`) closes the pipe: the output is over,
// which is not an error of ours.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
