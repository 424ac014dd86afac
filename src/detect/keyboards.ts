// Input devices a passphrase can be typed on: EV_KEY and the whole alphabet plus Enter, which rules
// out power buttons, media keys and mice. Each comes with the chain of devices it hangs from (i8042
// and serio for PS/2; hid, usb interface and host controller for USB; i2c-hid ...).
import type { Host } from '../host/host.js';
import { deviceAncestry } from './device-ancestry.js';
import type { KeyboardFact } from './host-facts.js';
import { InputBitmap } from './input-bitmap.js';
import { parentDir, readAttr } from './sysfs-attrs.js';

const _EV_KEY = 1;
const _KEY_ENTER = 28;
// linux/input-event-codes.h: the letters sit in three runs of the PC keyboard rows.
const _LETTER_KEYS = [
  ...[16, 17, 18, 19, 20, 21, 22, 23, 24, 25], // Q W E R T Y U I O P
  ...[30, 31, 32, 33, 34, 35, 36, 37, 38], // A S D F G H J K L
  ...[44, 45, 46, 47, 48, 49, 50], // Z X C V B N M
];

export function findKeyboards(host: Host): KeyboardFact[] {
  const keyboards: KeyboardFact[] = [];
  for (const entry of host.readdir('/sys/class/input')) {
    if (!/^input\d+$/.test(entry)) continue;
    const sysPath = host.realpath(`/sys/class/input/${entry}`);
    if (!_canType(host, sysPath)) continue;
    const fact: KeyboardFact = { sysPath, hardware: deviceAncestry(host, parentDir(sysPath)) };
    const name = readAttr(host, `${sysPath}/name`);
    if (name !== undefined) fact.name = name;
    const modalias = readAttr(host, `${sysPath}/modalias`);
    if (modalias !== undefined) fact.modalias = modalias;
    keyboards.push(fact);
  }
  return keyboards.sort((a, b) => (a.sysPath < b.sysPath ? -1 : a.sysPath > b.sysPath ? 1 : 0));
}

function _canType(host: Host, sysPath: string): boolean {
  const ev = readAttr(host, `${sysPath}/capabilities/ev`);
  const key = readAttr(host, `${sysPath}/capabilities/key`);
  if (ev === undefined || key === undefined || !InputBitmap.parse(ev).has(_EV_KEY)) return false;
  const keys = InputBitmap.parse(key);
  return keys.has(_KEY_ENTER) && _LETTER_KEYS.every((code) => keys.has(code));
}
