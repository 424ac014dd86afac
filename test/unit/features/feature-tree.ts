// Throw-away feature folders and sysroots for the features tests: { 'etc/x/module.toml': '...' } trees
// under a fresh temp dir (symlinks as { symlink }, executables as { exec }), removed by cleanupTrees().
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseManifest, type FeatureManifest } from '../../../src/features/manifest.js';

export type Node = string | { symlink: string } | { exec: string };

const made: string[] = [];

export function tree(spec: Record<string, Node> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'mkits-features-'));
  made.push(root);
  addTo(root, spec);
  return root;
}

export function addTo(root: string, spec: Record<string, Node>): void {
  for (const [path, node] of Object.entries(spec)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof node === 'string') writeFileSync(full, node);
    else if ('symlink' in node) symlinkSync(node.symlink, full);
    else {
      writeFileSync(full, node.exec);
      chmodSync(full, 0o755);
    }
  }
}

export function cleanupTrees(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A manifest parsed from text, as if it lived in `dir`. */
export function feature(name: string, toml: string, dir = `/nowhere/${name}`): FeatureManifest {
  return parseManifest(toml, name, dir, `${dir}/module.toml`);
}

export function featureMap(...features: FeatureManifest[]): Map<string, FeatureManifest> {
  return new Map(features.map((f) => [f.name, f]));
}

/**
 * A sysroot that can run scripts chrooted: this host's /bin/sh and the libraries `ldd` names for it, a
 * world-writable sticky /tmp, plus `spec`.
 */
export function shellSysroot(spec: Record<string, Node> = {}): string {
  const root = tree(spec);
  chmodSync(root, 0o755); // a root file system; nobody must be able to enter it
  const sh = realpathSync('/bin/sh');
  const libs = execFileSync('ldd', [sh], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  for (const p of [...libs, '/bin/sh']) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    copyFileSync(realpathSync(p), join(root, p));
    chmodSync(join(root, p), 0o755);
  }
  mkdirSync(join(root, 'tmp'), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  return root;
}
