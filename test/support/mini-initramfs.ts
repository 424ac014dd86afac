// A minimal initramfs built WITHOUT the generator (GNU cpio, newc, uncompressed): static busybox,
// the given modules with their dependencies (modprobe --show-depends on the fixture kernel, in load
// order) and roots/mini-initramfs/init, which insmods them, mounts root= and switch_roots. It proves
// the boot harness and the test disks independently of the product.
import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { copyTree, ROOTS_DIR } from './disks/copy-tree.js';
import { installBusybox } from './disks/marker-tree.js';
import { kernelRoot, kver } from './fixtures.js';
import { modprobeConfigArgs } from './modprobe-config.js';

/** Module files (absolute, in load order, deduplicated) that loading `names` takes, per kmod. */
export function moduleLoadOrder(names: readonly string[]): string[] {
  const files: string[] = [];
  for (const name of names) {
    const out = execFileSync('modprobe', [...modprobeConfigArgs(kernelRoot()), '--show-depends', '--set-version', kver(), '--dirname', kernelRoot(), name], {
      encoding: 'utf8',
    });
    for (const line of out.split('\n')) {
      const file = /^insmod (\S+)/.exec(line)?.[1];
      if (file && !files.includes(file)) files.push(file);
    }
  }
  return files;
}

/** Writes the image to `outFile`; returns the module files it holds, in load order. */
export function buildMiniInitramfs(outFile: string, modules: readonly string[]): string[] {
  const files = moduleLoadOrder(modules);
  const dir = mkdtempSync(join(tmpdir(), 'mini-initramfs-'));
  try {
    installBusybox(dir);
    copyTree(join(ROOTS_DIR, 'mini-initramfs'), dir);
    chmodSync(join(dir, 'init'), 0o755); // whatever mode the checkout gave it
    mkdirSync(join(dir, 'modules'));
    for (const file of files) copyFileSync(file, join(dir, 'modules', basename(file)));
    writeFileSync(join(dir, 'modules', 'load-order'), files.map((f) => `${basename(f)}\n`).join(''));
    // Names without "./", owned by root, in a stable order.
    const out = openSync(outFile, 'w');
    try {
      execSync(`set -o pipefail; find . -mindepth 1 -printf '%P\\n' | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet`, {
        cwd: dir,
        shell: '/bin/bash',
        stdio: ['ignore', out, 'pipe'],
      });
    } finally {
      closeSync(out);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return files;
}
