// Throw-away feature folders and sysroots for the features tests: { 'etc/x/module.toml': '...' } trees
// under a fresh temp dir (symlinks as { symlink }, executables as { exec }), removed by cleanupTrees().
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
