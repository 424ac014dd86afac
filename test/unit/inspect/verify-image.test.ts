import { describe, expect, it } from 'vitest';
import { readImage } from '../../../src/cpio/newc-reader.js';
import { ExitCode } from '../../../src/errors.js';
import { verifyImage } from '../../../src/inspect/verify/verify-image.js';
import { file, image, link, type Rec, writeTemp } from './image-builder.js';
import { runCli } from './run-cli.js';
import { makeKo } from '../../support/make-ko.js';
import { goodRecords, KVER, MODDIR, MODULES_DEP, module, program, type FixtureParts } from './verify-fixture.js';

async function verifyRecords(parts: FixtureParts = {}, kver?: string) {
  const segments = await readImage(await image({ records: goodRecords(parts), format: 'gzip' }), 'fixture.img');
  return verifyImage(segments, kver === undefined ? {} : { kver });
}

describe('verifyImage', () => {
  it('finds nothing wrong with a complete image, with or without --kver', async () => {
    expect(await verifyRecords()).toEqual([]);
    expect(await verifyRecords({}, KVER)).toEqual([]);
  });

  it('lists exactly the problems of an image broken in four ways at once', async () => {
    const problems = await verifyRecords({
      init: file('init', '#!/bin/sh\nif [ -e /x ]; then\n  echo missing fi\n', 0o755),
      extra: [
        file('usr/bin/tool', program({ needed: ['libgone.so.1'] }), 0o755),
        file(`${MODDIR}/kernel/drivers/foo.ko`, module('foo', ['bar'])),
      ],
      modulesDep: `${MODULES_DEP}kernel/drivers/foo.ko:\n`,
    });
    expect(problems).toEqual([
      { path: '/init', message: expect.stringMatching(/^shell syntax error \(\/bin\/sh -n\): \/init: \d+: Syntax error: end of file unexpected/) },
      { path: '/usr/bin/tool', message: expect.stringMatching(/^needs libgone\.so\.1, which is not in the image \(searched \/lib\/x86_64-linux-gnu:.*\): add the library$/) },
      { path: `/${MODDIR}/kernel/drivers/foo.ko`, message: 'depends on bar, which is not in the image nor built into the kernel (modules.builtin): add bar' },
    ]);
  });

  it('reports a truncated compressed segment alone: nothing after it would be unpacked', async () => {
    const bytes = await image({ records: [file('early', 'x')] }, { records: goodRecords(), format: 'zstd' });
    const problems = await verifyImage(writeTemp(bytes.subarray(0, bytes.length - 64)));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBeUndefined();
    expect(problems[0]?.message).toMatch(/^does not decode: .*zstd segment at offset \d+: /);
  });

  it('requires /init, following its symlinks, executable, and runnable by the kernel', async () => {
    expect(await verifyRecords({ init: undefined })).toEqual([{ path: '/init', message: expect.stringContaining('missing: the kernel finds no /init') }]);
    expect(await verifyRecords({ init: link('init', 'usr/lib/systemd/systemd') })).toEqual([
      { path: '/init', message: 'is a symlink to usr/lib/systemd/systemd, which does not exist in the image' },
    ]);
    const systemd: Rec[] = [file('usr/lib/systemd/systemd', program(), 0o755)];
    expect(await verifyRecords({ init: link('init', 'usr/lib/systemd/systemd'), extra: systemd })).toEqual([]);
    expect(await verifyRecords({ init: file('init', '#!/bin/sh\n', 0o644) })).toEqual([
      { path: '/init', message: 'is not executable (mode 644): chmod +x it' },
    ]);
    expect(await verifyRecords({ init: file('init', 'echo no shebang\n', 0o755) })).toEqual([
      { path: '/init', message: 'is neither an ELF program nor a #! script: the kernel cannot execute it' },
    ]);
    expect(await verifyRecords({ init: file('init', '#!/usr/bin/bash\necho hi\n', 0o755) })).toEqual([
      { path: '/init', message: 'its #! interpreter /usr/bin/bash is not in the image: add it' },
    ]);
  });

  it('checks module vermagic, modules.dep both ways, and --kver', async () => {
    const problems = await verifyRecords({
      extra: [file(`${MODDIR}/kernel/drivers/old.ko`, module('old', [], '5.10.0-9-amd64'))],
      modulesDep: `${MODULES_DEP}kernel/drivers/gone.ko: kernel/fs/mbcache.ko\n`,
    });
    expect(problems).toEqual([
      { path: `/${MODDIR}/kernel/drivers/old.ko`, message: `built for kernel 5.10.0-9-amd64, but used with ${KVER}: the kernel refuses to load it` },
      { path: `/${MODDIR}/modules.dep`, message: 'lists kernel/drivers/gone.ko, which is not in the image: add it or rerun depmod for the image' },
      { path: `/${MODDIR}/kernel/drivers/old.ko`, message: `not listed in /${MODDIR}/modules.dep: modprobe cannot find it; rerun depmod for the image` },
    ]);
    expect(await verifyRecords({}, '6.9.9-other')).toEqual([
      { message: `the image holds kernel modules but no lib/modules/6.9.9-other (it has: ${KVER}): rebuild it for 6.9.9-other` },
    ]);
    expect(await verifyRecords({ replace: { [`${MODDIR}/modules.dep`]: undefined } })).toEqual([
      { path: `/${MODDIR}`, message: '3 module files but no modules.dep: modprobe cannot load them; run depmod for the image' },
    ]);
  });

  it('needs a driver for the rootfstype= the image sets: a module, a module alias, or modules.builtin', async () => {
    const conf = 'etc/cmdline.d/10-root.conf';
    const ext4 = `${MODDIR}/kernel/fs/ext4/ext4.ko`;
    const cmdline = (value: string): Record<string, Rec> => ({ [conf]: file(conf, `root=/dev/vda ${value}\n`) });
    expect(await verifyRecords({ replace: cmdline('rootfstype=xfs') })).toEqual([
      { path: `/${conf}`, message: 'rootfstype=xfs, but no xfs driver is in the image nor built into the kernel (modules.builtin): add the xfs module' },
    ]);
    expect(await verifyRecords({ replace: cmdline('rootfstype=tmpfs') })).toEqual([]);
    expect(await verifyRecords({ replace: cmdline('rootfstype=ext3') })).toHaveLength(1);
    const aliased = makeKo({ modinfo: [['alias', 'fs-ext3'], ['depends', 'jbd2,mbcache'], ['name', 'ext4'], ['vermagic', `${KVER} SMP`]] });
    expect(await verifyRecords({ replace: { ...cmdline('rootfstype=ext3'), [ext4]: file(ext4, aliased) } })).toEqual([]);
    expect(await verifyRecords({ replace: cmdline('"rootfstype=vfat"'), extra: [] })).toHaveLength(1);
    const builtin = `${MODDIR}/modules.builtin`;
    expect(await verifyRecords({ replace: { ...cmdline('rootfstype=vfat'), [builtin]: file(builtin, 'kernel/lib/crc16.ko\nkernel/fs/fat/vfat.ko\n') } })).toEqual([]);
  });

  it('accepts an image that loses nothing, and reports entries the kernel would drop', async () => {
    const problems = await verifyRecords({ extra: [file('run/orphan/file', 'x')] });
    expect(problems).toEqual([]);
    const records = [...goodRecords(), file('nodir/file', 'x')];
    const lost = await verifyImage(await readImage(await image({ records }), 'x'));
    expect(lost).toEqual([{ path: '/nodir/file', message: 'its parent directory does not exist at this point: the kernel skips it' }]);
  });
});

describe('mkinitramfs-ts verify', () => {
  it('prints the problems and exits with the not-bootable code; JSON on request', async () => {
    const path = writeTemp(await image({ records: goodRecords({ init: undefined }), format: 'lz4' }));
    const text = await runCli('verify', path);
    expect(text.code).toBe(ExitCode.notBootable);
    expect(text.out).toBe('/init: missing: the kernel finds no /init to run; the image cannot boot\n');
    expect(text.err).toBe(`mkinitramfs-ts: ${path}: 1 problem found; the image would not boot as it is\n`);
    const json = await runCli('verify', '--json', path);
    expect(JSON.parse(json.out)).toEqual({ image: path, ok: false, problems: [{ path: '/init', message: expect.any(String) }] });
  });

  it('exits 0 on a good image and with the bad-image code on one that does not decode', async () => {
    const good = writeTemp(await image({ records: goodRecords(), format: 'xz' }));
    expect(await runCli('verify', '--kver', KVER, good)).toMatchObject({ code: 0, out: `${good}: no problems found\n` });
    const bytes = await image({ records: goodRecords(), format: 'gzip' });
    const broken = writeTemp(Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(8, 0x55), bytes.subarray(108)]));
    const result = await runCli('verify', broken);
    expect(result.code).toBe(ExitCode.badImage);
    expect(result.out).toMatch(/^does not decode: /);
  });
});
