#!/usr/bin/env node
// The entry hooks installed by earlier releases run (`node …/bin/mkinitramfs-ts.js`): the same CLI.
import './mkinitramfs-ts.cjs';
