import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { FsHost } from '../../../src/host/fs-host.js';
import { addMicrocode, microcodeEntries } from '../../../src/assemble/microcode.js';
import { PlanBuilder } from '../../../src/assemble/plan-builder.js';
import { packImage } from '../../../src/pack/pack-image.js';
import { packEntries } from '../../../src/pack/pack-plan.js';
import { dir, file, planOf, tempDir } from '../pack/helpers.js';

function sysroot(firmwareDir: string, files: Record<string, string>): string {
  const root = tempDir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, firmwareDir, name, '..'), { recursive: true });
    writeFileSync(join(root, firmwareDir, name), content);
  }
  return root;
}

const UCODE = {
  'intel-ucode/06-9e-0a': 'I3',
  'intel-ucode/06-0f-02': 'I1',
  'intel-ucode/06-8e-09': 'I2',
  'intel-ucode/README': 'not microcode',
  'amd-ucode/microcode_amd_fam17h.bin': 'A2',
  'amd-ucode/microcode_amd.bin': 'A1',
  'amd-ucode/microcode_amd.bin.asc': 'signature',
};

/** The uncompressed early archive of a sysroot's microcode. */
const microcodeCpio = (host: FsHost): Buffer => Buffer.concat(packEntries(microcodeEntries(host), { mtime: 0 }));

describe('early microcode', () => {
  it('is an uncompressed cpio holding each vendor blob, files concatenated in name order', async () => {
    const host = new FsHost({ root: sysroot('lib/firmware', UCODE) });
    const cpio = microcodeCpio(host);
    expect(cpio?.toString('latin1', 0, 6)).toBe('070701'); // the early loader scans plain cpio at offset 0
    const [segment] = await readImage(cpio ?? Buffer.alloc(0), 'early');
    expect(segment?.compression).toBe('none');
    const files = (segment?.entries ?? []).map((e) => [e.path, e.type === 'file' ? e.data.toString() : e.type]);
    expect(files).toEqual([
      ['.', 'dir'],
      ['kernel', 'dir'],
      ['kernel/x86', 'dir'],
      ['kernel/x86/microcode', 'dir'],
      ['kernel/x86/microcode/AuthenticAMD.bin', 'A1A2'],
      ['kernel/x86/microcode/GenuineIntel.bin', 'I1I2I3'],
    ]);
  });

  it('reads /usr/lib/firmware, and a merged /lib only once', async () => {
    const root = sysroot('usr/lib/firmware', { 'intel-ucode/06-8e-09': 'I2' });
    symlinkSync('usr/lib', join(root, 'lib'));
    const entries = microcodeEntries(new FsHost({ root }));
    const blob = entries.find((e) => e.path === '/kernel/x86/microcode/GenuineIntel.bin');
    expect(blob?.type === 'file' && blob.content?.toString()).toBe('I2');
    expect(entries.some((e) => e.path.endsWith('AuthenticAMD.bin'))).toBe(false);
  });

  it('is absent when the sysroot has no microcode: the plan says so in a warning', () => {
    expect(microcodeEntries(new FsHost({ root: sysroot('lib/firmware', { 'intel-ucode/README': 'x' }) }))).toEqual([]);
    const root = tempDir();
    expect(microcodeEntries(new FsHost({ root }))).toEqual([]);
    const plan = new PlanBuilder('6.1.0');
    addMicrocode(plan, new FsHost({ root }));
    const built = plan.build();
    expect(built.early).toEqual([]);
    expect(built.warnings).toEqual([`--early-microcode: no intel-ucode or amd-ucode firmware in ${root}`]);
  });

  it("is planned like any entry: in the finished plan's early list, which nothing changes afterwards", () => {
    const host = new FsHost({ root: sysroot('lib/firmware', UCODE) });
    const plan = new PlanBuilder('6.1.0');
    addMicrocode(plan, host);
    const built = plan.build();
    expect(built.early).toEqual(microcodeEntries(host));
    expect(built.entries).toEqual([]);
    expect(built.warnings).toEqual([]);
    expect(Object.isFrozen(built) && Object.isFrozen(built.early) && Object.isFrozen(built.warnings)).toBe(true);
  });

  it('comes first in the image, followed by the compressed main archive', async () => {
    const host = new FsHost({ root: sysroot('lib/firmware', UCODE) });
    const plan = planOf([dir('/bin'), file('/init', '#!/bin/sh\n', 0o755)], microcodeEntries(host));
    const image = await packImage(plan, { mtime: 0, compression: { format: 'zstd' } });
    expect(image.parts).toHaveLength(2);
    expect(image.parts[0]?.equals(microcodeCpio(host))).toBe(true);
    const segments = await readImage(Buffer.concat(image.parts), 'img');
    expect(segments.map((s) => [s.compression, s.offset, s.entries.at(-1)?.path])).toEqual([
      ['none', 0, 'kernel/x86/microcode/GenuineIntel.bin'],
      ['zstd', image.earlySize, 'init'],
    ]);
    expect(image.compressedSize).toBe(image.parts[1]?.length);
  });
});
