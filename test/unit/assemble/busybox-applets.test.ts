// readBusyboxApplets reads the applet table out of the binary without running it; the oracle is the
// binary itself run on the build machine (`busybox --list`).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBusyboxApplets } from '../../../src/assemble/busybox-applets.js';
import { buildSysroot, busyboxRoot } from '../../support/fixtures.js';

const listOf = (binary: string): string[] => execFileSync(binary, ['--list'], { encoding: 'utf8' }).split('\n').filter((l) => l !== '').sort();

describe('readBusyboxApplets', () => {
  it('equals `busybox --list` for the fixture busybox-static', () => {
    const bin = join(busyboxRoot(), 'bin/busybox');
    const applets = readBusyboxApplets(readFileSync(bin));
    expect(applets).toBeDefined();
    expect([...(applets ?? [])].sort()).toEqual(listOf(bin));
  });

  it('equals `busybox --list` for the busybox of the fixture sysroot', () => {
    const bin = join(buildSysroot(), 'usr/bin/busybox');
    expect([...(readBusyboxApplets(readFileSync(bin)) ?? [])].sort()).toEqual(listOf(bin));
  });

  it('equals `busybox --list` for the build machine’s own busybox, when it has one', () => {
    // a second, independently built binary (Debian's dynamic busybox); absent hosts have nothing to compare
    const bin = '/usr/bin/busybox';
    if (!existsSync(bin)) return;
    expect([...(readBusyboxApplets(readFileSync(bin)) ?? [])].sort()).toEqual(listOf(bin));
  });

  it('the fixture has the applets /init cannot do without, and Debian’s lacks blkid', () => {
    const applets = readBusyboxApplets(readFileSync(join(busyboxRoot(), 'bin/busybox'))) ?? new Set();
    for (const a of ['sh', 'mount', 'switch_root', 'modprobe', 'od', '[']) expect(applets.has(a), a).toBe(true);
    expect(applets.has('blkid')).toBe(false);
  });

  it('is undefined for an ELF that is not busybox', () => {
    for (const bin of ['/usr/bin/true', join(buildSysroot(), 'usr/sbin/blkid'), process.execPath]) {
      expect(readBusyboxApplets(readFileSync(bin)), bin).toBeUndefined();
    }
  });

  it('is undefined for empty input and when the table does not start "[", "[["', () => {
    expect(readBusyboxApplets(new Uint8Array())).toBeUndefined();
    expect(readBusyboxApplets(Buffer.from('\0ash\0cat\0sh\0', 'latin1'))).toBeUndefined();
  });

  it('stops at the first entry that is not a printable name or breaks the sort order', () => {
    expect([...(readBusyboxApplets(Buffer.from('ELF\0[\0[[\0ash\0cat\0\x01\x02junk\0zz\0', 'latin1')) ?? [])]).toEqual(['[', '[[', 'ash', 'cat']);
    expect([...(readBusyboxApplets(Buffer.from('\0[\0[[\0ash\0cat\0bad\0zz\0', 'latin1')) ?? [])]).toEqual(['[', '[[', 'ash', 'cat']);
  });

  it('reads from a view into a larger buffer (byteOffset honoured)', () => {
    const big = Buffer.from('XXXX\0[\0[[\0ash\0sh\0\0YYYY', 'latin1');
    const view = new Uint8Array(big.buffer, big.byteOffset + 4, big.length - 8);
    expect([...(readBusyboxApplets(view) ?? [])]).toEqual(['[', '[[', 'ash', 'sh']);
    // the bytes before the view are not part of it
    expect(readBusyboxApplets(new Uint8Array(big.buffer, big.byteOffset + 6, 8))).toBeUndefined();
  });
});
