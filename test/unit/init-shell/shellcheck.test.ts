// Every boot-time shell file of the shipped features is clean under shellcheck as POSIX sh (what
// busybox ash and dash both run). Left out: SC1090/SC1091 (the files source each other at their image
// paths, which do not exist here) and SC2034 (a hook sets variables that /init or other hooks read).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MODULES_D } from '../../../src/features/load-features.js';

const scripts = readdirSync(BUILTIN_MODULES_D, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(BUILTIN_MODULES_D, d.name)).filter((f) => f.endsWith('.sh')).map((f) => join(BUILTIN_MODULES_D, d.name, f)));

describe('modules.d shell files', () => {
  it('are found (base/init.sh among them)', () => {
    expect(scripts).toContain(join(BUILTIN_MODULES_D, 'base/init.sh'));
    expect(scripts).toContain(join(BUILTIN_MODULES_D, 'base/module-loads.sh'));
  });

  it('are clean under shellcheck -s sh', () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', '-e', 'SC1090,SC1091,SC2034', ...scripts], { encoding: 'utf8' });
    if (r.error) throw r.error;
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
