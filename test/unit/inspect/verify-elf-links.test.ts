import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { checkElfLinks } from '../../../src/inspect/verify/check-elf-links.js';
import { ImageHost } from '../../../src/inspect/image-host.js';
import { unpackSegments } from '../../../src/inspect/kernel-unpack.js';
import { makeElf } from '../../support/make-elf.js';
import { file, image, type Rec } from './image-builder.js';
import { goodRecords, library, program } from './verify-fixture.js';

async function elfProblems(extra: Rec[], replace: Record<string, Rec | undefined> = {}) {
  const segments = await readImage(await image({ records: goodRecords({ extra, replace }) }), 'img');
  return checkElfLinks(new ImageHost(unpackSegments(segments).tree, 'img'));
}

const exe = (path: string, elf: Buffer): Rec => file(path, elf, 0o755);

describe('checkElfLinks', () => {
  it('finds libraries through RUNPATH with $ORIGIN, and names the searched directories when one is missing', async () => {
    const app = exe('usr/lib/app/bin/app', program({ runpath: '$ORIGIN/../lib', needed: ['libapp.so.1'] }));
    expect(await elfProblems([app, file('usr/lib/app/lib/libapp.so.1', library('libapp.so.1'))])).toEqual([]);
    expect(await elfProblems([app])).toEqual([
      {
        path: '/usr/lib/app/bin/app',
        message: expect.stringMatching(/^needs libapp\.so\.1, which is not in the image \(searched \/usr\/lib\/app\/lib:\/lib\/x86_64-linux-gnu:/),
      },
    ]);
  });

  it("searches the image's own /etc/ld.so.conf and its includes", async () => {
    const tool = exe('usr/bin/tool', program({ needed: ['libopt.so.2'] }));
    const lib = file('opt/vendor/lib/libopt.so.2', library('libopt.so.2'));
    const conf = [file('etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n'), file('etc/ld.so.conf.d/vendor.conf', '# vendor\n/opt/vendor/lib\n')];
    expect(await elfProblems([tool, lib, ...conf])).toEqual([]);
    expect(await elfProblems([tool, lib])).toHaveLength(1);
  });

  it('reports a library missing below a shared library once, at that library', async () => {
    const problems = await elfProblems([
      exe('usr/bin/one', program({ needed: ['libmid.so.1'] })),
      exe('usr/bin/two', program({ needed: ['libmid.so.1'] })),
      file('usr/lib/x86_64-linux-gnu/libmid.so.1', library('libmid.so.1', { needed: ['libgone.so.3'] })),
    ]);
    expect(problems.map((p) => [p.path, p.message.slice(0, 50)])).toEqual([
      ['/usr/lib/x86_64-linux-gnu/libmid.so.1', 'needs libgone.so.3, which is not in the image (sea'],
    ]);
  });

  it('lets a library use the DT_RPATH of the program that loads it, but not a DT_RUNPATH', async () => {
    const plugin = file('opt/private/libplug.so.1', library('libplug.so.1', { needed: ['libdep.so.1'] }));
    const dep = file('opt/private/libdep.so.1', library('libdep.so.1'));
    const withRpath = exe('usr/bin/host', program({ rpath: '/opt/private', needed: ['libplug.so.1'] }));
    expect(await elfProblems([withRpath, plugin, dep])).toEqual([]);
    const withRunpath = exe('usr/bin/host', program({ runpath: '/opt/private', needed: ['libplug.so.1'] }));
    expect((await elfProblems([withRunpath, plugin, dep])).map((p) => p.path)).toEqual(['/opt/private/libplug.so.1']);
  });

  it("lets a library need one that the program loaded first through its own RUNPATH (systemd's libsystemd-core)", async () => {
    const core = file('usr/lib/x86_64-linux-gnu/systemd/libcore.so', library('libcore.so', { needed: ['libshared.so'] }));
    const shared = file('usr/lib/x86_64-linux-gnu/systemd/libshared.so', library('libshared.so'));
    const both = exe('usr/lib/systemd/systemd', program({ runpath: '/usr/lib/x86_64-linux-gnu/systemd', needed: ['libcore.so', 'libshared.so'] }));
    expect(await elfProblems([both, core, shared])).toEqual([]);
    const coreOnly = exe('usr/lib/systemd/systemd', program({ runpath: '/usr/lib/x86_64-linux-gnu/systemd', needed: ['libcore.so'] }));
    expect((await elfProblems([coreOnly, core, shared])).map((p) => p.path)).toEqual(['/usr/lib/x86_64-linux-gnu/systemd/libcore.so']);
  });

  it('requires the program interpreter, and lets the loader answer to its own SONAME anywhere', async () => {
    const musl = exe('usr/bin/static-ish', makeElf({ type: 'exec', interpreter: '/lib/ld-musl-x86_64.so.1', needed: ['libc.so'] }));
    expect(await elfProblems([musl])).toEqual([
      { path: '/usr/bin/static-ish', message: 'its program interpreter /lib/ld-musl-x86_64.so.1 is not in the image: add the C library\'s dynamic loader' },
      { path: '/usr/bin/static-ish', message: expect.stringMatching(/^needs libc\.so, which is not in the image/) },
    ]);
    const loader = file('opt/rt/ld-rt.so', library('ld-rt.so.1'), 0o755);
    const user = exe('opt/rt/prog', makeElf({ type: 'exec', interpreter: '/opt/rt/ld-rt.so', needed: ['ld-rt.so.1'] }));
    expect(await elfProblems([loader, user])).toEqual([]);
  });

  it('reports a truncated executable, and ignores firmware and non-ELF files', async () => {
    const truncated = program().subarray(0, 60);
    const problems = await elfProblems([
      exe('usr/bin/broken', truncated),
      file('usr/lib/firmware/dsp.bin', makeElf({ type: 'exec', interpreter: '/nonexistent', machine: 40, elfClass: 32 })),
      file('usr/share/data.elf', truncated, 0o644),
    ]);
    expect(problems).toEqual([{ path: '/usr/bin/broken', message: expect.stringContaining('not a valid ELF file') }]);
  });
});
