// verify: an image's compressed modules must be readable by the image's own modprobe — the real
// busybox (Debian 12's: xz and gzip, no zstd) and the real kmod with its libkmod (Debian 12's links
// liblzma and libzstd, not zlib). Images that store modules decompressed pass with either.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { verifyImage } from '../../../src/inspect/verify/verify-image.js';
import { busyboxRoot, debianRoot } from '../../support/fixtures.js';
import { file, image, link, type Rec } from './image-builder.js';
import { goodRecords, MODDIR, module } from './verify-fixture.js';

const JBD2 = `${MODDIR}/kernel/fs/jbd2/jbd2.ko`;
const compressed = (format: 'xz' | 'zstd' | 'gzip'): Buffer => {
  const raw = module('jbd2');
  if (format === 'gzip') return gzipSync(raw);
  return execFileSync(format, format === 'xz' ? ['-c', '--check=crc32'] : ['-q', '-c'], { input: raw });
};
const SUFFIX = { xz: 'xz', zstd: 'zst', gzip: 'gz' } as const;

function withModprobe(loader: Rec[], format?: 'xz' | 'zstd' | 'gzip'): Rec[] {
  const jbd2 = format === undefined ? [] : [file(`${JBD2}.${SUFFIX[format]}`, compressed(format))];
  const dep = `kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko${format ? `.${SUFFIX[format]}` : ''} kernel/fs/mbcache.ko\nkernel/fs/jbd2/jbd2.ko${format ? `.${SUFFIX[format]}` : ''}:\nkernel/fs/mbcache.ko:\n`;
  return goodRecords({ extra: [...loader, ...jbd2], modulesDep: dep, ...(format ? { replace: { [JBD2]: undefined } } : {}) });
}

const busybox = (): Rec[] => [file('usr/bin/busybox', readFileSync(join(busyboxRoot(), 'bin/busybox')), 0o755), link('usr/sbin/modprobe', '../bin/busybox')];
const kmod = (): Rec[] => {
  const lib = (name: string): Rec => file(`usr/lib/x86_64-linux-gnu/${name}`, readFileSync(join(debianRoot(), 'usr/lib/x86_64-linux-gnu', name)), 0o644);
  return [
    file('usr/bin/kmod', readFileSync(join(debianRoot(), 'usr/bin/kmod')), 0o755),
    link('usr/sbin/modprobe', '../bin/kmod'),
    ...['libkmod.so.2', 'liblzma.so.5', 'libzstd.so.1', 'libcrypto.so.3'].map(lib),
  ];
};

async function formatProblems(records: Rec[]): Promise<string[]> {
  const problems = await verifyImage(await readImage(await image({ records, format: 'gzip' }), 'fixture.img'));
  return problems.map((p) => p.message).filter((m) => m.includes('cannot decompress'));
}

describe('verify: compressed modules and the image modprobe', () => {
  it('busybox 1.35 cannot decompress .ko.zst: the image is rejected, naming the module and the fix', async () => {
    const problems = await formatProblems(withModprobe(busybox(), 'zstd'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`/${JBD2}.zst`);
    expect(problems[0]).toMatch(/modprobe \(busybox .*\) cannot decompress zstd: .*Invalid ELF header magic.*stores modules decompressed/);
  });

  it.each(['xz', 'gzip'] as const)('busybox reads .ko.%s (it has that decompressor)', async (format) => {
    expect(await formatProblems(withModprobe(busybox(), format))).toEqual([]);
  });

  it.each(['xz', 'zstd'] as const)("Debian 12's kmod reads .ko.%s through libkmod's libraries", async (format) => {
    expect(await formatProblems(withModprobe(kmod(), format))).toEqual([]);
  });

  it("Debian 12's kmod is built without zlib: .ko.gz is rejected", async () => {
    const problems = await formatProblems(withModprobe(kmod(), 'gzip'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/compressed as gzip .* modprobe \(kmod .*\) cannot decompress gzip/);
  });

  it('decompressed modules pass with any modprobe', async () => {
    expect(await formatProblems(withModprobe(busybox()))).toEqual([]);
    expect(await formatProblems(withModprobe(kmod()))).toEqual([]);
  });
});
