import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputBitmap } from '../../../src/detect/input-bitmap.js';
import { findKeyboards } from '../../../src/detect/keyboards.js';
import { SysfsTree } from '../../support/sysfs-tree.js';
import { PCI, ps2KeyboardAndOthers, usbKeyboard } from './machines.js';

let tree: SysfsTree;
beforeEach(() => {
  tree = SysfsTree.create();
});
afterEach(() => tree.cleanup());

describe('InputBitmap', () => {
  it('reads words most significant first, 64 bits each, leading zeros dropped', () => {
    const bits = InputBitmap.parse('1 0 5');
    expect([bits.has(0), bits.has(1), bits.has(2), bits.has(64), bits.has(128), bits.has(127)]).toEqual([true, false, true, false, true, false]);
    expect(InputBitmap.parse('garbage').has(0)).toBe(false);
  });
});

describe('findKeyboards', () => {
  it('finds the USB and PS/2 keyboards, not the power button or the mouse, each with its chain', () => {
    usbKeyboard(tree);
    ps2KeyboardAndOthers(tree);
    const found = findKeyboards(tree.host());
    expect(found.map((k) => k.name)).toEqual(['Logitech USB Keyboard', 'AT Translated Set 2 keyboard']); // by sysPath

    const [usb, ps2] = found;
    expect(ps2?.hardware.map((a) => `${a.driver}/${a.driverModule ?? ''}`)).toEqual(['atkbd/', 'i8042/']);
    const xhci = `${PCI}/0000:00:14.0`;
    expect(usb?.sysPath).toBe(`${xhci}/usb1/1-1/1-1:1.0/0003:046D:C31C.0001/input/input3`);
    expect(usb?.modalias).toMatch(/^input:b0003v046DpC31C/);
    expect(usb?.hardware).toEqual([
      { sysPath: `${xhci}/usb1/1-1/1-1:1.0/0003:046D:C31C.0001`, modalias: 'hid:b0003g0001v0000046Dp0000C31C', driver: 'hid-generic', driverModule: 'hid_generic' },
      { sysPath: `${xhci}/usb1/1-1/1-1:1.0`, modalias: 'usb:v046DpC31Cd6400dc00dsc00dp00ic03isc01ip01in00', driver: 'usbhid', driverModule: 'usbhid' },
      { sysPath: `${xhci}/usb1/1-1`, driver: 'usb' },
      { sysPath: `${xhci}/usb1`, modalias: 'usb:v1D6Bp0002d0601dc09dsc00dp01ic09isc00ip00in00', driver: 'usb' },
      { sysPath: xhci, modalias: 'pci:v00008086d0000A36Dsv00001028sd0000085Cbc0Csc03i30', driver: 'xhci_hcd', driverModule: 'xhci_pci' },
    ]);
  });

  it('needs every letter: a keypad-only device (no KEY_Z) is not a keyboard', () => {
    tree.device('/sys/devices/virtual/input');
    // bits 1..43 set, KEY_Z (44) and above clear
    tree.input('/sys/devices/virtual/input', 'input9', { name: 'partial', ev: '3', key: 'fffffffffffe' });
    expect(findKeyboards(tree.host())).toEqual([]);
  });

  it('no /sys/class/input at all is no keyboard, not an error', () => {
    expect(findKeyboards(tree.host())).toEqual([]);
  });
});
