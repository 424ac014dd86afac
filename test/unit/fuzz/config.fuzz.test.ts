// Fuzz: the TOML configuration (load-config + validate-config) and feature manifests (module.toml),
// on mutated real files (this repo's modules.d manifests, a full configuration) and on generated
// TOML values. A configuration problem is reported (errors[] or a ConfigError), never a crash.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { loadConfigOrThrow } from '../../../src/config/load-config.js';
import { mergeConfigs } from '../../../src/config/merge-config.js';
import { validateConfig } from '../../../src/config/validate-config.js';
import { parseManifest } from '../../../src/features/manifest.js';
import { expectTypedSync, mutate, mutationsArb, params, report } from './fuzz-kit.js';

const CONFIG = `# mkinitramfs-ts.conf
compress = "zstd:19"
hostonly = true
add = ["lvm", "crypt"]
omit = ["resume"]
add_drivers = ["nvme", "virtio-blk"]
omit_drivers = ["floppy"]
force_drivers = ["dm_crypt"]
filesystems = ["ext4", "xfs"]
install_items = ["/usr/bin/less"]
kernel_cmdline = "quiet rd.luks.uuid=1234"
[extra]
x = 1
`;

let manifests: Buffer[];
let tmp: string;

beforeAll(() => {
  manifests = readdirSync('modules.d', { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => readFileSync(join('modules.d', d.name, 'module.toml')));
  tmp = mkdtempSync(join(tmpdir(), 'mkinitramfs-fuzz-config-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Any TOML value smol-toml can write: scalars, dates, lists and nested tables. */
const tomlValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 20 }),
    fc.constantFrom('zstd', 'zstd:99', 'gzip:-1', 'lz4:', ':', '/abs', 'rel', '', 'a\nb', '../x', 'always', 'default', 'optional', 'pre-mount', 'x.sh'),
    fc.integer(),
    fc.constantFrom(0, -1, 86_400, 86_401, 0o7777, 0o10000, Number.MAX_SAFE_INTEGER),
    fc.double({ noNaN: false }),
    fc.boolean(),
    fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }),
    fc.array(tie('value'), { maxLength: 4 }),
    tie('table'),
  ),
  table: fc.dictionary(
    fc.oneof(
      fc.constantFrom('compress', 'hostonly', 'add', 'omit', 'add_drivers', 'install_items', 'kernel_cmdline', 'timeout', 'files', 'links', 'hooks', 'include', 'source', 'from_sysroot', 'path', 'mode', 'stage', 'script', 'order', 'description', 'depends', 'check_script', '__proto__', 'constructor', 'add-drivers'),
      fc.string({ maxLength: 8 }),
    ),
    tie('value'),
    { maxKeys: 5 },
  ),
})).table as fc.Arbitrary<Record<string, unknown>>;

describe('fuzz: configuration files', () => {
  it('mutated configuration through loadConfigOrThrow: a config or one ConfigError', () => {
    const runs = 4000;
    const t0 = performance.now();
    const conf = join(tmp, 'mkinitramfs-ts.conf');
    fc.assert(
      fc.property(mutationsArb, (ms) => {
        writeFileSync(conf, mutate(Buffer.from(CONFIG), ms));
        expectTypedSync(() => loadConfigOrThrow({ sysroot: tmp, conf }));
      }),
      params(runs),
    );
    report('load-config (mutated)', runs, t0);
  });

  it('generated TOML values through validateConfig and mergeConfigs never throw', () => {
    const runs = 8000;
    const t0 = performance.now();
    fc.assert(
      fc.property(tomlValue, tomlValue, (a, b) => {
        const one = validateConfig(a, { file: 'a.conf', text: _safeStringify(a) });
        const two = validateConfig(b, { file: 'b.conf', text: '[[add]]\n"add" = 1\n' });
        mergeConfigs([one.config, two.config]);
      }),
      params(runs),
    );
    report('validate-config (generated)', runs, t0);
  });
});

describe('fuzz: feature manifests', () => {
  it("mutated modules.d manifests: a manifest or a ConfigError naming the file", () => {
    const runs = 8000;
    const t0 = performance.now();
    fc.assert(
      fc.property(fc.nat(), mutationsArb, (which, ms) => {
        const text = mutate(manifests[which % manifests.length] as Buffer, ms).toString('utf8');
        expectTypedSync(() => parseManifest(text, 'f', '/m/f', '/m/f/module.toml'));
      }),
      params(runs),
    );
    report('manifest (mutated)', runs, t0);
  });

  it('generated TOML tables as manifests: a manifest or a ConfigError', () => {
    const runs = 8000;
    const t0 = performance.now();
    fc.assert(
      fc.property(tomlValue, (table) => {
        const text = _safeStringify(table);
        expectTypedSync(() => parseManifest(text, 'f', '/m/f', '/m/f/module.toml'));
      }),
      params(runs),
    );
    report('manifest (generated)', runs, t0);
  });
});

/** TOML text of a generated table; '' when smol-toml cannot write it (e.g. a NaN in a list is fine, mixed nesting may not be). */
function _safeStringify(table: Record<string, unknown>): string {
  try {
    return stringify(table);
  } catch {
    return '';
  }
}
