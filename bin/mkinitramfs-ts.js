#!/usr/bin/env node
import { main } from '../dist/mkinitramfs-ts.mjs';

// A reader that stops early (`mkinitramfs-ts ls IMG | head`) closes the pipe: the output is over,
// which is not an error of ours.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
