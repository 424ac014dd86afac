// The README's "Layout" table is the map a newcomer reads first: it must match the tree. Every folder at
// the top, under src/ and under test/ has its own row, and every path a row names exists.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

function layoutRows(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = /^## Layout\n([^]*?)^## /m.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1] ?? '');
}

/** Folders holding tracked files: every top-level one, and those directly under src/ and test/. */
function trackedFolders(): string[] {
  const files = execFileSync('git', ['ls-files'], { cwd: REPO, encoding: 'utf8' }).split('\n').filter(Boolean);
  const folders = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    if (parts.length < 2) continue;
    const top = parts[0] ?? '';
    if ((top === 'src' || top === 'test') && parts.length > 2) folders.add(`${top}/${parts[1]}/`);
    else if (top !== 'src' && top !== 'test') folders.add(`${top}/`);
  }
  return [...folders].sort();
}

describe('README Layout table', () => {
  it('has one row per folder, and only rows for what exists', () => {
    const rows = layoutRows();
    expect(rows.length).toBeGreaterThan(10);
    expect(trackedFolders().filter((f) => !rows.includes(f))).toEqual([]);
    expect(rows.filter((r) => !existsSync(join(REPO, r)))).toEqual([]);
    expect(rows.filter((r, i) => rows.indexOf(r) !== i)).toEqual([]);
  });
});
