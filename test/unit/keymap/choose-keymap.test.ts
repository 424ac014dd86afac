import { afterEach, describe, expect, it } from 'vitest';
import { chooseKeymap, kbdModelMapKeymap, shellAssignments } from '../../../src/keymap/choose-keymap.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { cleanup, testdir, type Tree } from '../config/testdir.js';

afterEach(cleanup);

const KEYMAPS: Tree = {
  'usr/share/keymaps/i386/qwertz/de.kmap.gz': 'gz',
  'usr/share/keymaps/i386/qwertz/de-latin1.kmap.gz': 'gz',
  'usr/share/keymaps/i386/qwertz/de-latin1-nodeadkeys.kmap.gz': 'gz',
  'usr/share/keymaps/i386/azerty/fr-latin9.kmap.gz': 'gz',
  'usr/share/keymaps/i386/include/qwertz-layout.inc': 'inc',
};
const MODEL_MAP = [
  '# Generated from system-config-keyboard\'s model list',
  '# consolelayout\t\txlayout\txmodel\t\txvariant\txoptions',
  'us\t\t\tus\tpc105+inet\t-\t\tterminate:ctrl_alt_bksp',
  'de\t\t\tde\tpc105\t\t-\t\tterminate:ctrl_alt_bksp',
  'de-latin1\t\tde\tpc105\t\t-\t\tterminate:ctrl_alt_bksp',
  'de-latin1-nodeadkeys\tde\tpc105\t\tnodeadkeys\tterminate:ctrl_alt_bksp',
  'fr-latin9\t\tfr\tpc105\t\tlatin9\t\tterminate:ctrl_alt_bksp',
].join('\n');

const choose = (tree: Tree, requested?: string) => chooseKeymap(new FsHost({ root: testdir(tree) }), requested);

describe('chooseKeymap', () => {
  it('/etc/vconsole.conf KEYMAP= (quoted or not) names a map found under the keymap folders', () => {
    expect(choose({ ...KEYMAPS, 'etc/vconsole.conf': '# comment\nFONT=eurlatgr\nKEYMAP="de-latin1"\n' })).toEqual({
      kind: 'found', choice: { name: 'de-latin1', source: '/usr/share/keymaps/i386/qwertz/de-latin1.kmap.gz', from: '/etc/vconsole.conf' },
    });
  });

  it('--keymap wins over the sysroot; "us" is the kernel\'s own map; a path is taken as it is', () => {
    const tree = { ...KEYMAPS, 'etc/vconsole.conf': 'KEYMAP=de-latin1\n' };
    expect(choose(tree, 'fr-latin9')).toMatchObject({ kind: 'found', choice: { name: 'fr-latin9', from: '--keymap fr-latin9' } });
    expect(choose(tree, 'us').kind).toBe('none');
    expect(choose({ ...tree, 'etc/vconsole.conf': 'KEYMAP=us\n' }).kind).toBe('none');
    expect(choose(tree, '/usr/share/keymaps/i386/azerty/fr-latin9.kmap.gz')).toMatchObject({ kind: 'found', choice: { name: 'fr-latin9' } });
  });

  it('a keymap the sysroot has no source for is missing, naming where it looked', () => {
    expect(choose({ 'etc/vconsole.conf': 'KEYMAP=de-latin1\n' })).toEqual({
      kind: 'missing', name: 'de-latin1', from: '/etc/vconsole.conf', searched: ['/usr/share/keymaps', '/usr/share/kbd/keymaps', '/usr/lib/kbd/keymaps'],
    });
    // include folders hold fragments, never a whole map
    expect(choose({ 'usr/share/keymaps/i386/include/qwertz-layout.map': 'x', 'etc/vconsole.conf': 'KEYMAP=qwertz-layout\n' }).kind).toBe('missing');
  });

  it("Debian's /etc/default/keyboard: console-setup's compiled map when it is there", () => {
    expect(choose({ 'etc/default/keyboard': 'XKBMODEL="pc105"\nXKBLAYOUT="de"\nXKBVARIANT="nodeadkeys"\n', 'etc/console-setup/cached_UTF-8_del.kmap.gz': 'gz' })).toMatchObject({
      kind: 'found', choice: { name: 'de-nodeadkeys', source: '/etc/console-setup/cached_UTF-8_del.kmap.gz' },
    });
  });

  it("/etc/default/keyboard without console-setup's map: the console keymap of systemd's kbd-model-map", () => {
    const tree = { ...KEYMAPS, 'usr/share/systemd/kbd-model-map': MODEL_MAP };
    expect(choose({ ...tree, 'etc/default/keyboard': 'XKBLAYOUT="de"\nXKBVARIANT="nodeadkeys"\n' })).toMatchObject({ kind: 'found', choice: { name: 'de-latin1-nodeadkeys' } });
    expect(choose({ ...tree, 'etc/default/keyboard': 'XKBLAYOUT="de,us"\nXKBVARIANT=""\n' })).toMatchObject({ kind: 'found', choice: { name: 'de' } });
    expect(choose({ ...tree, 'etc/default/keyboard': 'XKBLAYOUT="us"\n' }).kind).toBe('none');
    expect(choose({ ...tree, 'etc/default/keyboard': 'XKBLAYOUT="xx"\n' })).toMatchObject({ kind: 'missing', name: 'xx' });
  });

  it('no settings at all: the US layout', () => {
    expect(choose(KEYMAPS)).toMatchObject({ kind: 'none' });
  });
});

describe('the settings files are read, never run', () => {
  it('shellAssignments: quotes removed, comments and command substitutions are plain text', () => {
    const vars = shellAssignments("KEYMAP='de' # German\nexport FONT=lat9w-16\nXKBLAYOUT=$(reboot)\n  # KEYMAP=us\n");
    expect(vars.get('KEYMAP')).toBe('de');
    expect(vars.get('FONT')).toBe('lat9w-16');
    expect(vars.get('XKBLAYOUT')).toBe('$(reboot)');
  });

  it('kbdModelMapKeymap: same layout and variant first, else the layout without a variant', () => {
    expect(kbdModelMapKeymap(MODEL_MAP, 'de', '')).toBe('de');
    expect(kbdModelMapKeymap(MODEL_MAP, 'fr', 'latin9')).toBe('fr-latin9');
    expect(kbdModelMapKeymap(MODEL_MAP, 'de', 'neo')).toBe('de');
    expect(kbdModelMapKeymap(MODEL_MAP, 'fr', '')).toBeUndefined();
  });
});
