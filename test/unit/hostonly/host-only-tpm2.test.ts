// Host-only: the tpm2 feature joins only when the root's LUKS2 volume is enrolled with a TPM2 (a
// systemd-tpm2 token in its real header) or the host's crypttab asks for tpm2-device= for it.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectHost } from '../../../src/detect/detect-host.js';
import { hostOnlyInputsFromFacts } from '../../../src/hostonly/host-only-inputs.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { ext4Image } from '../detect/identity/superblock-bytes.js';
import { ahciDisk, baseMachine } from '../detect/machines.js';
import { fakeModuleSource } from './fake-module-source.js';

const FS_UUID = '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7';
/** The UUIDs make-headers.sh gave the real headers. */
const TPM2_UUID = '5a0e1c2d-00a2-4c3b-9a8e-1f2d3c4b5aa2';
const PLAIN_UUID = '5a0e1c2d-00a1-4c3b-9a8e-1f2d3c4b5aa1';
const header = (name: string): Buffer => readFileSync(new URL(`../detect/identity/luks2-headers/${name}.hdr`, import.meta.url));

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

function cryptRoot(headerName: string, uuid: string): void {
  const sda3 = tree.partition(ahciDisk(tree, 0, 'sda', 8, 0), 'sda3', '8:3', 3);
  tree.dm('dm-0', '254:0', { uuid: `CRYPT-LUKS2-${uuid.replace(/-/g, '')}-cryptroot`, name: 'cryptroot' }, [sda3]);
  baseMachine(tree, '26 1 254:0 / / rw,relatime - ext4 /dev/mapper/cryptroot rw');
  tree.file('/dev/sda3', header(headerName));
  tree.file('/dev/dm-0', ext4Image({ uuid: FS_UUID, label: 'root' }));
}

describe('host-only tpm2 detection', () => {
  it('a systemd-tpm2 token in the root volume header: crypt and tpm2, the tokens in the facts', () => {
    cryptRoot('tpm2', TPM2_UUID);
    const facts = detectHost(tree.host());
    const inputs = hostOnlyInputsFromFacts(facts, fakeModuleSource());
    expect(inputs.features).toEqual(['crypt', 'tpm2']);
    expect(facts.root.device?.slaves[0]?.identity?.luksTokens).toEqual(['systemd-recovery', 'systemd-tpm2']);
  });

  it('no token: crypt only, whatever other volumes of crypttab ask for', () => {
    cryptRoot('plain', PLAIN_UUID);
    const crypttab = `cryptroot UUID=${PLAIN_UUID} none luks,discard\nhome UUID=11111111-2222-4333-8444-555555555555 none tpm2-device=auto\n`;
    expect(hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource(), crypttab).features).toEqual(['crypt']);
  });

  it("no token, but the root volume's crypttab entry says tpm2-device= (by name or by UUID)", () => {
    cryptRoot('plain', PLAIN_UUID);
    const facts = detectHost(tree.host());
    expect(hostOnlyInputsFromFacts(facts, fakeModuleSource(), 'cryptroot /dev/sda3 none tpm2-device=auto,discard\n').features).toEqual(['crypt', 'tpm2']);
    expect(hostOnlyInputsFromFacts(facts, fakeModuleSource(), `other UUID=${PLAIN_UUID.toUpperCase()} - luks,tpm2-device=/dev/tpmrm0\n`).features).toEqual(['crypt', 'tpm2']);
  });

  it("a host crypttab becomes the root's entries only (the others' devices and key files are not the image's)", () => {
    cryptRoot('plain', PLAIN_UUID);
    const crypttab = `# host\nhome UUID=11111111-2222-4333-8444-555555555555 /etc/keys/home.key luks\ncryptroot UUID=${PLAIN_UUID} none luks,discard\n`;
    const files = hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource(), crypttab).files;
    const generated = files.find((f) => f.path === '/etc/crypttab');
    expect(generated?.content.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toEqual([`cryptroot UUID=${PLAIN_UUID} none luks,discard`]);
    // no crypttab on the host: none generated
    expect(hostOnlyInputsFromFacts(detectHost(tree.host()), fakeModuleSource()).files.map((f) => f.path)).not.toContain('/etc/crypttab');
  });
});
