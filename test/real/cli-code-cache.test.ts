// The installed command loads the bundle with V8's code cache (bin/load-cli.cjs): the cache `npm run
// build` makes is accepted by this Node, and a cache from another build or a corrupt one is never
// fatal — it is not offered, or V8 rejects it, and the command still runs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelRoot, kver } from '../support/fixtures.js';
import { REPO, buildDist } from '../unit/hooks/real-sysroot.js';

const LOADER = join(REPO, 'bin/load-cli.cjs');
const { NODE_OPTIONS: _flagsChangeTheCache, ...ENV } = process.env;
let scratch: string;

/** Load `bundle` in a fresh node as the command does; print what became of the cache and main's --version. */
function load(bundle: string): { cache: string; version: string } {
  const code = `import { loadCli } from ${JSON.stringify(LOADER)};
const cli = loadCli(${JSON.stringify(bundle)});
let out = '';
process.stdout.write = (s) => ((out += s), true);
await cli.main(['node', 'mkinitramfs-ts', '--version']);
console.error(JSON.stringify({ cache: cli.cache, version: out.trim() }));`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: ENV, encoding: 'utf8' });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stderr.trim().split('\n').pop() ?? '{}') as { cache: string; version: string };
}

beforeAll(() => {
  buildDist();
  scratch = mkdtempSync(join(tmpdir(), 'mkits-code-cache-'));
  // the bundle finds its package (package.json beside modules.d) by walking up from its own file
  symlinkSync(join(REPO, 'package.json'), join(scratch, 'package.json'));
  symlinkSync(join(REPO, 'modules.d'), join(scratch, 'modules.d'));
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the code cache of the bundle', () => {
  const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

  it('npm run build makes one that this Node accepts', () => {
    expect(load(join(REPO, 'dist/mkinitramfs-ts.cjs'))).toEqual({ cache: 'used', version });
  });

  it('a cache made for another build is not offered to V8', () => {
    const bundle = join(scratch, 'other.cjs');
    copyFileSync(join(REPO, 'dist/mkinitramfs-ts.cjs'), bundle);
    const real = readFileSync(join(REPO, 'dist/mkinitramfs-ts.cjs.cache'));
    writeFileSync(`${bundle}.cache`, Buffer.concat([Buffer.from('0123456789abcdef\n'), real.subarray(real.indexOf(10) + 1)]));
    expect(load(bundle)).toEqual({ cache: 'none', version });
  });

  it('a corrupt cache with the right id is rejected by V8, and the command still runs', () => {
    const bundle = join(scratch, 'corrupt.cjs');
    copyFileSync(join(REPO, 'dist/mkinitramfs-ts.cjs'), bundle);
    const real = readFileSync(join(REPO, 'dist/mkinitramfs-ts.cjs.cache'));
    const head = real.subarray(0, real.indexOf(10) + 1);
    writeFileSync(`${bundle}.cache`, Buffer.concat([head, Buffer.alloc(4096, 0x5a)]));
    expect(load(bundle)).toEqual({ cache: 'rejected', version });
  });

  it('commands that load parts of the CLI late run from the cached bundle (deps, check-host)', () => {
    // the bundle may hold no import() of an external module: code from the cache has no import hook
    const run = (args: string[]) => spawnSync(join(REPO, 'bin/mkinitramfs-ts'), args, { env: ENV, encoding: 'utf8' });
    const deps = run(['deps', 'ext4', '--sysroot', kernelRoot(), '--kver', kver()]);
    expect(deps.stderr).not.toMatch(/internal error/);
    expect(deps.stdout).toMatch(/\/ext4\.ko\n$/);
    const check = run(['check-host', join(scratch, 'no-such.img')]);
    expect(check.stderr).not.toMatch(/internal error/);
    expect(check.stderr).toMatch(/no-such\.img/);
  });

  it('no cache at all is fine', () => {
    const bundle = join(scratch, 'bare.cjs');
    copyFileSync(join(REPO, 'dist/mkinitramfs-ts.cjs'), bundle);
    expect(load(bundle)).toEqual({ cache: 'none', version });
  });
});
