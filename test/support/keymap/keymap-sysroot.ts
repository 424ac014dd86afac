// A sysroot whose host has a non-US console keyboard: a fixture sysroot plus console-data's keymaps
// (usr/share/keymaps) and the keyboard settings given (/etc/vconsole.conf, /etc/default/keyboard, ...).
import { join } from 'node:path';
import { derivedSysroot } from '../derived-sysroot.js';
import { consoleDataRoot } from '../fixtures.js';

/** De-latin1 as a German user sets it in systemd's file. */
export const GERMAN_VCONSOLE = { '/etc/vconsole.conf': 'KEYMAP=de-latin1\n' };

export async function keymapSysroot(base: string, settings: Record<string, string>, withKeymaps = true): Promise<string> {
  return derivedSysroot({
    name: withKeymaps ? 'keymap-sysroot' : 'keymap-sysroot-without-maps',
    base,
    trees: withKeymaps ? [{ from: join(consoleDataRoot(), 'usr/share/keymaps'), to: '/usr/share/keymaps' }] : [],
    files: new Map(Object.entries(settings).map(([path, content]) => [path, { content, mode: 0o644 }])),
  });
}
