// Host-only tpm2 detection on the header systemd-cryptenroll 252 really wrote with a (emulated) TPM:
// the TPM2 boot cells' enrolled disk (test/support/tpm2/enrolled-disk.ts), its LUKS2 partition's header
// put where a host's /dev/sda3 would be. The unit test's tpm2.hdr has an imported token; this one the
// token systemd-cryptenroll --tpm2-device=auto --tpm2-pcrs=7 made (checked with cryptsetup's own JSON).
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { detectHost } from '../../src/detect/detect-host.js';
import { hostOnlyInputsFromFacts } from '../../src/hostonly/host-only-inputs.js';
import { STORAGE_RECIPE as R } from '../support/storage/recipe.js';
import { SysfsTree } from '../support/sysfs-tree.js';
import { tpm2EnrolledDisk } from '../support/tpm2/enrolled-disk.js';
import { ext4Image } from '../unit/detect/identity/superblock-bytes.js';
import { ahciDisk, baseMachine } from '../unit/detect/machines.js';
import { fakeModuleSource } from '../unit/hostonly/fake-module-source.js';

/** The LUKS2 header area (binary header + JSON) cryptsetup makes by default. */
const HEADER_BYTES = 16 * 1024;
let header: Buffer;

beforeAll(async () => {
  const disk = await tpm2EnrolledDisk();
  const table = JSON.parse(execFileSync('sfdisk', ['--json', disk.luks], { encoding: 'utf8' })) as { partitiontable: { sectorsize?: number; partitions: { start: number }[] } };
  const start = (table.partitiontable.partitions[0]?.start ?? Number.NaN) * (table.partitiontable.sectorsize ?? 512);
  header = Buffer.alloc(HEADER_BYTES);
  const fd = openSync(disk.luks, 'r');
  try {
    readSync(fd, header, 0, HEADER_BYTES, start);
  } finally {
    closeSync(fd);
  }
}, 30 * 60_000);

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

describe('host-only on a header enrolled with a TPM by systemd-cryptenroll', () => {
  it('the header is the luks disk (its UUID) and its systemd-tpm2 token is bound to PCR 7', () => {
    const json = JSON.parse(header.subarray(4096, header.indexOf(0, 4096)).toString('utf8')) as { tokens: Record<string, { type: string; 'tpm2-pcrs'?: number[] }> };
    expect(header.subarray(0xa8, 0xa8 + 36).toString('latin1')).toBe(R.luks.luksUuid);
    expect(Object.values(json.tokens).find((t) => t.type === 'systemd-tpm2')?.['tpm2-pcrs']).toEqual([7]);
  });

  it('the root on it: crypt and tpm2 join, the token types are in the facts', () => {
    const sda3 = tree.partition(ahciDisk(tree, 0, 'sda', 8, 0), 'sda3', '8:3', 3);
    tree.dm('dm-0', '254:0', { uuid: `CRYPT-LUKS2-${R.luks.luksUuid.replace(/-/g, '')}-cryptroot`, name: 'cryptroot' }, [sda3]);
    baseMachine(tree, '26 1 254:0 / / rw,relatime - ext4 /dev/mapper/cryptroot rw');
    tree.file('/dev/sda3', header);
    tree.file('/dev/dm-0', ext4Image({ uuid: R.luks.fsUuid, label: 'root' }));
    const facts = detectHost(tree.host());
    expect(facts.root.device?.slaves[0]?.identity?.luksTokens).toEqual(['systemd-tpm2']);
    expect(hostOnlyInputsFromFacts(facts, fakeModuleSource()).features).toEqual(['crypt', 'tpm2']);
  });
});
