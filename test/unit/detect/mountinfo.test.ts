import { describe, expect, it } from 'vitest';
import { findMount, parseMountinfo } from '../../../src/detect/mountinfo.js';

describe('parseMountinfo', () => {
  it('splits optional fields off at the lone "-" and unescapes octal in paths', () => {
    const [entry] = parseMountinfo(
      '36 35 98:0 /mnt\\040dir /media/my\\040disk\\011x rw,noatime master:1 shared:7 propagate_from:2 - ext3 /dev/root\\134x rw,errors=continue\n',
    );
    expect(entry).toEqual({
      id: 36,
      parentId: 35,
      majMin: '98:0',
      fsRoot: '/mnt dir',
      mountPoint: '/media/my disk\tx',
      options: 'rw,noatime',
      fstype: 'ext3',
      source: '/dev/root\\x',
      superOptions: 'rw,errors=continue',
    });
  });

  it('handles no optional fields, and a source that is itself "-"-free text like "none"', () => {
    const [entry] = parseMountinfo('28 1 0:25 / /run rw,nosuid - tmpfs none rw,mode=755');
    expect(entry).toMatchObject({ fstype: 'tmpfs', source: 'none', superOptions: 'rw,mode=755', options: 'rw,nosuid' });
  });

  it('rejects a line without the separator', () => {
    expect(() => parseMountinfo('28 1 0:25 / /run rw,nosuid tmpfs none rw')).toThrow(/line 1/);
  });

  it('finds the visible mount: the last one mounted on that point', () => {
    const table = parseMountinfo(
      ['1 0 0:2 / / rw - rootfs rootfs rw', '26 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw', '30 26 254:2 / /usr rw - xfs /dev/vda2 rw'].join('\n'),
    );
    expect(findMount(table, '/')?.source).toBe('/dev/vda1');
    expect(findMount(table, '/usr')?.fstype).toBe('xfs');
    expect(findMount(table, '/home')).toBeUndefined();
  });

  it('unescapes only three-digit octal: other backslashes stay', () => {
    const [entry] = parseMountinfo('40 26 254:3 / /mnt/a\\040b\\x\\12 rw - ext4 /dev/vdb rw\n');
    expect(entry?.mountPoint).toBe('/mnt/a b\\x\\12');
  });
});
