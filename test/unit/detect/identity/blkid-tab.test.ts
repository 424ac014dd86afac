import { describe, expect, it } from 'vitest';
import { formatBlkidLine, identityFromBlkid, parseBlkidTab } from '../../../../src/detect/identity/blkid-tab.js';

describe('blkid.tab', () => {
  it('parses the lines blkid writes, with glibc dev_t numbers', () => {
    const [entry] = parseBlkidTab(
      '<device DEVNO="0x0802" TIME="1795694218.60578" LABEL="root fs" UUID="3f7c1d2e-9a4b-4c5d-8e6f-0a1b2c3d4e5f" BLOCK_SIZE="4096" TYPE="ext4" PARTUUID="5eed1234-02">/dev/sda2</device>\n',
    );
    expect(entry?.devName).toBe('/dev/sda2');
    expect(entry?.majMin).toBe('8:2');
    expect(identityFromBlkid(entry!, 'blkid-cache')).toEqual({
      source: 'blkid-cache',
      type: 'ext4',
      uuid: '3f7c1d2e-9a4b-4c5d-8e6f-0a1b2c3d4e5f',
      label: 'root fs',
      partUuid: '5eed1234-02',
    });
  });
  it('writes and reads large major/minor numbers as glibc makedev does (values from os.makedev)', () => {
    const devno = (majMin: string) => /DEVNO="(0x[0-9a-f]+)"/.exec(formatBlkidLine('/dev/x', majMin, undefined))?.[1];
    expect(devno('259:3')).toBe('0x10303');
    expect(devno('8:300')).toBe('0x10082c');
    expect(devno('5000:7')).toBe('0x100000038807');
    expect(parseBlkidTab('<device DEVNO="0x10303">/dev/x</device>')[0]?.majMin).toBe('259:3');
    for (const majMin of ['4095:1048575', '5000:7']) expect(parseBlkidTab(formatBlkidLine('/dev/x', majMin, undefined))[0]?.majMin).toBe(majMin);
  });
  it('round-trips an identity, quotes included, and keeps where it came from', () => {
    const identity = { source: 'udev' as const, type: 'vfat', uuid: 'ABCD-1234', label: 'say "hi" \\o/', partLabel: 'EFI' };
    const [entry] = parseBlkidTab(formatBlkidLine('/dev/nvme0n1p1', '259:1', identity));
    expect(entry?.majMin).toBe('259:1');
    expect(identityFromBlkid(entry!, 'superblock')).toEqual(identity);
  });
  it("round-trips a LUKS2 header's token types (our LUKS_TOKENS tag), so a capture keeps them", () => {
    const identity = { source: 'superblock' as const, type: 'crypto_LUKS', uuid: '5a0e1c2d-00a2-4c3b-9a8e-1f2d3c4b5aa2', luksTokens: ['systemd-recovery', 'systemd-tpm2'] };
    const line = formatBlkidLine('/dev/sda3', '8:3', identity);
    expect(line).toContain('LUKS_TOKENS="systemd-recovery,systemd-tpm2"');
    expect(identityFromBlkid(parseBlkidTab(line)[0]!, 'superblock')).toEqual(identity);
  });
  it('writes a bare line for a device with nothing known', () => {
    const [entry] = parseBlkidTab(formatBlkidLine('/dev/sda', '8:0', undefined));
    expect(entry?.majMin).toBe('8:0');
    expect(identityFromBlkid(entry!, 'superblock')).toBeUndefined();
  });
});
