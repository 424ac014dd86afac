// scripts/setup-host.sh, the one list of Debian packages the demo and the tests need: silent when all
// are there, one line naming the missing ones and the command to run when not root, and the only
// place that installs anything (.ci/run, npm test and npm run demo call it).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/real-sysroot.js';

const SCRIPT = join(REPO, 'scripts/setup-host.sh');
/** Run as nobody: the not-root path. */
const asNobody = (script: string, arg: string) =>
  spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script, arg], { encoding: 'utf8' });

describe('scripts/setup-host.sh', () => {
  it.each(['demo', 'test'])('%s: everything is installed on this test machine, so it says and does nothing', (what) => {
    const r = asNobody(SCRIPT, what);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('not root and packages missing: one line naming them and the command to run, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkits-setup-'));
    try {
      // the same script with two packages that no machine has added to the demo's list
      const copy = join(dir, 'setup-host.sh');
      writeFileSync(copy, readFileSync(SCRIPT, 'utf8').replace(/^DEMO_PACKAGES="/m, 'DEMO_PACKAGES="mkits-absent-a mkits-absent-b '));
      chmodSync(dir, 0o755); // nobody reads it
      const r = asNobody(copy, 'test');
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        'setup-host: npm test needs these Debian packages: mkits-absent-a mkits-absent-b; install them with: sudo apt-get install --no-install-recommends mkits-absent-a mkits-absent-b\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is what .ci/run, npm test and npm run demo use, and nothing else installs packages', () => {
    const ci = readFileSync(join(REPO, '.ci/run'), 'utf8');
    const runAll = readFileSync(join(REPO, 'test/run-all.sh'), 'utf8');
    const demo = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['demo'] ?? '';
    expect(ci).toMatch(/^bash scripts\/setup-host\.sh test$/m);
    expect(runAll).toMatch(/^bash scripts\/setup-host\.sh test$/m);
    expect(demo).toMatch(/^bash scripts\/setup-host\.sh demo && /);
    for (const text of [ci, runAll, demo]) expect(text).not.toMatch(/apt-get install/);
  });
});
