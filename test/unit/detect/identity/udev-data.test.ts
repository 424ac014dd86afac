import { describe, expect, it } from 'vitest';
import { identityFromUdev, parseUdevData } from '../../../../src/detect/identity/udev-data.js';

const ENTRY = [
  'S:disk/by-uuid/0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7',
  'I:1234567',
  'E:ID_FS_UUID=0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7',
  'E:ID_FS_UUID_ENC=0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7',
  'E:ID_FS_LABEL=my_root',
  'E:ID_FS_LABEL_ENC=my\\x20root',
  'E:ID_FS_TYPE=ext4',
  'E:ID_PART_ENTRY_UUID=0d1c2b3a-5f4e-4b6a-9d8c-7e6f5a4b3c2d',
  'E:ID_PART_ENTRY_NAME=Linux\\x20root\\x20\\xc3\\xa9',
  'E:ID_PART_TABLE_TYPE=gpt',
  'G:systemd',
  '',
].join('\n');

describe('udev database entries', () => {
  it('maps the blkid builtin keys, decoding \\x escapes of the _ENC label and the partition name', () => {
    expect(identityFromUdev(parseUdevData(ENTRY))).toEqual({
      source: 'udev',
      type: 'ext4',
      uuid: '0f6a2b1c-3d4e-4f50-8a61-72b3c4d5e6f7',
      label: 'my root',
      partUuid: '0d1c2b3a-5f4e-4b6a-9d8c-7e6f5a4b3c2d',
      partLabel: 'Linux root é',
      ptType: 'gpt',
    });
  });
  it('gives nothing for an entry without identity keys', () => {
    expect(identityFromUdev(parseUdevData('S:foo\nE:DM_NAME=x\n'))).toBeUndefined();
  });
  it('normalizes mdadm colon-form UUIDs', () => {
    expect(identityFromUdev(parseUdevData('E:MD_UUID=3b1e2a4c:5d6f7081:92a3b4c5:d6e7f809\nE:ID_FS_LABEL_ENC=a\\x2fb\n'))).toEqual({
      source: 'udev',
      mdUuid: '3b1e2a4c-5d6f-7081-92a3-b4c5d6e7f809',
      label: 'a/b',
    });
  });
});
