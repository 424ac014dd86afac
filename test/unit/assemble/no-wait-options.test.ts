import { describe, expect, it } from 'vitest';
import { noWaitOptions } from '../../../src/assemble/no-wait-options.js';

describe('noWaitOptions', () => {
  it('gives async_probe=1 to file systems, libraries, crypto and md/dm modules, never to device drivers', () => {
    const text = noWaitOptions([
      { name: 'ext4', relPath: 'kernel/fs/ext4/ext4.ko' },
      { name: 'crc16', relPath: 'kernel/lib/crc16.ko' },
      { name: 'crc32c_intel', relPath: 'kernel/arch/x86/crypto/crc32c-intel.ko' },
      { name: 'crc32c_generic', relPath: 'kernel/crypto/crc32c_generic.ko.zst' },
      { name: 'dm_mod', relPath: 'kernel/drivers/md/dm-mod.ko' },
      { name: 'ahci', relPath: 'kernel/drivers/ata/ahci.ko' },
      { name: 'virtio_blk', relPath: 'kernel/drivers/block/virtio_blk.ko' },
      { name: 'mything', relPath: 'updates/dkms/fs-like.ko' },
    ]);
    expect(text).toBe(
      ['crc16', 'crc32c_generic', 'crc32c_intel', 'dm_mod', 'ext4'].map((n) => `options ${n} async_probe=1\n`).join(''),
    );
  });

  it('is empty for an image without such modules', () => {
    expect(noWaitOptions([{ name: 'ahci', relPath: 'kernel/drivers/ata/ahci.ko' }])).toBe('');
    expect(noWaitOptions([])).toBe('');
  });
});
