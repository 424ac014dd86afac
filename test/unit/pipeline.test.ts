// planImage/writeImage on the fixture sysroot (a Debian root with the 6.1 kernel), generic (-N):
// what the plan must hold for the image to boot anywhere, that it is deterministic, and that writing
// is reproducible, private (0600) and never clobbers an image without --force.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planImage, writeImage, type PlannedImage } from '../../src/pipeline.js';
import type { BuildOptions } from '../../src/build-options.js';
import { canonicalImagePath } from '../../src/assemble/image-layout.js';
import { BadModuleError, CompressorError, NotBootableError, OutputError } from '../../src/errors.js';
import { BUILTIN_MODULES_D } from '../../src/features/load-features.js';
import { planToJson } from '../../src/assemble/format-plan.js';
import type { PlanEntry } from '../../src/assemble/plan.js';
import { buildSysroot, kver } from '../support/fixtures.js';

const options = (over: Partial<BuildOptions> = {}): BuildOptions => ({
  sysroot: buildSysroot(),
  kver: kver(),
  hostonly: false,
  compress: 'gzip',
  add: [],
  omit: [],
  addDrivers: [],
  omitDrivers: [],
  forceDrivers: [],
  install: [],
  earlyMicrocode: false,
  kernelCmdline: '',
  mtime: 0,
  output: '/nonexistent/never-written.img',
  force: false,
  ...over,
});

let planned: PlannedImage;
const at = (p: string): PlanEntry | undefined => planned.plan.entries.find((e) => e.path === p);
const modDir = () => `/usr/lib/modules/${kver()}`;

beforeAll(async () => {
  planned = await planImage(options());
});

describe('planImage, generic, on the fixture sysroot', () => {
  it('has /init: the base feature’s init.sh, executable', () => {
    const init = at('/init');
    expect(init).toMatchObject({ type: 'file', mode: 0o755 });
    expect(init?.type === 'file' && Buffer.from(init.content ?? '').equals(readFileSync(join(BUILTIN_MODULES_D, 'base/init.sh')))).toBe(true);
  });

  it('has every file /init and the hooks source, at the path they source it from', () => {
    const init = readFileSync(join(BUILTIN_MODULES_D, 'base/init.sh'), 'utf8');
    const findRoot = readFileSync(join(BUILTIN_MODULES_D, 'rootfs-block/find-root.sh'), 'utf8');
    const sourced = [...`${init}\n${findRoot}`.matchAll(/^\s*\.\s+(\/\S+)/gm)].map((m) => m[1] as string);
    expect(sourced).toEqual(expect.arrayContaining(['/lib/mkinitramfs-ts/cmdline.sh', '/lib/mkinitramfs-ts/emergency.sh', '/lib/mkinitramfs-ts/root-device.sh']));
    for (const p of sourced) expect(at(canonicalImagePath(p))?.type, p).toBe('file');
  });

  it('has busybox from the sysroot and applet links to it for what /init needs', () => {
    expect(at('/usr/bin/busybox')).toMatchObject({ type: 'file', source: join(buildSysroot(), 'usr/bin/busybox') });
    for (const [p, applet] of [['/usr/bin/sh', 'sh'], ['/usr/bin/mount', 'mount'], ['/usr/sbin/switch_root', 'switch_root'], ['/usr/bin/od', 'od'], ['/usr/bin/[', '[']] as const) {
      expect(at(p), applet).toMatchObject({ type: 'symlink', target: '/usr/bin/busybox' });
    }
    // the kernel runs /sbin/modprobe: there must be one (busybox's, as the sysroot's kmod is not added)
    const modprobe = at('/usr/sbin/modprobe');
    expect(modprobe?.type === 'symlink' || modprobe?.type === 'file').toBe(true);
  });

  it('every applet link points at the busybox in the image, and busybox really has that applet', () => {
    const list = new Set(execFileSync(join(buildSysroot(), 'usr/bin/busybox'), ['--list'], { encoding: 'utf8' }).split('\n'));
    const links = planned.plan.entries.filter((e) => e.type === 'symlink' && e.target === '/usr/bin/busybox');
    expect(links.length).toBeGreaterThan(30);
    for (const l of links) expect(list.has(posix.basename(l.path)), l.path).toBe(true);
  });

  it('has util-linux blkid with the libraries readelf says it needs, and their interpreter', () => {
    expect(at('/usr/sbin/blkid')).toMatchObject({ type: 'file' });
    const needed = (file: string) =>
      [...execFileSync('readelf', ['-d', file], { encoding: 'utf8' }).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1] as string);
    const libdir = '/usr/lib/x86_64-linux-gnu';
    for (const lib of needed(join(buildSysroot(), 'usr/sbin/blkid'))) {
      const e = at(`${libdir}/${lib}`);
      expect(e, lib).toBeDefined();
      // a soname link must resolve to a file in the image
      const file = e?.type === 'symlink' ? at(posix.join(libdir, e.target)) : e;
      expect(file?.type, lib).toBe('file');
    }
    expect(at('/usr/lib64/ld-linux-x86-64.so.2') ?? at(`${libdir}/ld-linux-x86-64.so.2`)).toBeDefined();
  });

  it('has the skeleton: console 5:1 and null 1:3 before devtmpfs, merged-/usr links, /tmp sticky', () => {
    expect(at('/dev/console')).toMatchObject({ type: 'chardev', major: 5, minor: 1, mode: 0o600 });
    expect(at('/dev/null')).toMatchObject({ type: 'chardev', major: 1, minor: 3 });
    for (const [p, t] of [['/bin', 'usr/bin'], ['/sbin', 'usr/sbin'], ['/lib', 'usr/lib'], ['/lib64', 'usr/lib64']]) expect(at(p as string)).toMatchObject({ type: 'symlink', target: t });
    expect(at('/tmp')).toMatchObject({ type: 'dir', mode: 0o1777 });
    for (const d of ['/proc', '/sys', '/dev', '/run', '/sysroot']) expect(at(d)?.type, d).toBe('dir');
    // nothing is planned below the top-level links (everything went to /usr)
    expect(planned.plan.entries.filter((e) => /^\/(bin|sbin|lib|lib64)\//.test(e.path))).toEqual([]);
  });

  it('is sorted in byte order with every parent directory present', () => {
    const paths = planned.plan.entries.map((e) => e.path);
    expect(paths).toEqual([...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(new Set(paths).size).toBe(paths.length);
    const dirs = new Set(planned.plan.entries.filter((e) => e.type === 'dir').map((e) => e.path));
    for (const p of paths) {
      const parent = posix.dirname(p);
      if (parent !== '/') expect(dirs.has(parent), `parent of ${p}`).toBe(true);
    }
  });

  it('has the generic storage and file-system drivers', () => {
    const kos = new Set(planned.plan.entries.filter((e) => e.path.endsWith('.ko')).map((e) => posix.basename(e.path, '.ko')));
    for (const m of ['ext4', 'jbd2', 'virtio_blk', 'ahci', 'sd_mod', 'nvme', 'nvme-core', 'xfs', 'btrfs', 'vfat', 'usb-storage', 'uas']) expect(kos.has(m), m).toBe(true);
    expect(planned.moduleCount).toBe(kos.size);
  });

  it('modules.dep lists exactly the .ko files in the plan, and every dependency it names is there', () => {
    const dep = at(`${modDir()}/modules.dep`);
    expect(dep?.type).toBe('file');
    const text = dep?.type === 'file' ? String(dep.content) : '';
    const lines = text.split('\n').filter((l) => l !== '');
    const listed = lines.map((l) => l.slice(0, l.indexOf(':')));
    const inPlan = planned.plan.entries.filter((e) => /\.ko(\.[a-z]+)?$/.test(e.path)).map((e) => e.path.slice(modDir().length + 1));
    expect([...listed].sort()).toEqual([...inPlan].sort());
    const have = new Set(listed);
    for (const l of lines) for (const d of l.slice(l.indexOf(':') + 1).trim().split(/\s+/).filter(Boolean)) expect(have.has(d), `${d} (in: ${l})`).toBe(true);
    // and the sysroot's modules.dep agrees on ext4's dependencies
    const full = readFileSync(join(buildSysroot(), 'usr/lib/modules', kver(), 'modules.dep'), 'utf8');
    const ext4 = (t: string) => t.split('\n').find((l) => l.startsWith('kernel/fs/ext4/ext4.ko:'));
    expect(ext4(text)).toBe(ext4(full));
  });

  it('every hook of every chosen feature is at /usr/lib/mkinitramfs-ts/hooks/STAGE/NN-FEATURE-SCRIPT with its content', () => {
    let hooks = 0;
    for (const { feature } of planned.features) {
      for (const h of feature.hooks) {
        const p = `/usr/lib/mkinitramfs-ts/hooks/${h.stage}/${String(h.order).padStart(2, '0')}-${feature.name}-${h.script}`;
        const e = at(p);
        expect(e?.type, p).toBe('file');
        expect(e?.type === 'file' && Buffer.from(e.content ?? '').equals(readFileSync(join(feature.dir, h.script))), p).toBe(true);
        hooks += 1;
      }
    }
    expect(hooks).toBeGreaterThanOrEqual(4); // find-root, load-fs-driver, mount-root, fsck-root at least
    // and nothing else is in the hooks folder
    const planned_hooks = planned.plan.entries.filter((e) => e.type === 'file' && e.path.startsWith('/usr/lib/mkinitramfs-ts/hooks/'));
    expect(planned_hooks).toHaveLength(hooks);
  });

  it('chose the always features and the defaults the sysroot supports, with reasons', () => {
    const why = Object.fromEntries(planned.features.map((f) => [f.feature.name, f.why]));
    expect(why).toMatchObject({ base: 'always included', 'rootfs-block': 'always included', 'kernel-modules': 'default', fsck: 'default', systemd: 'default' });
    const conf = at('/etc/mkinitramfs-ts/image.conf');
    const text = conf?.type === 'file' ? String(conf.content) : '';
    expect(text).toContain(`IMAGE_KVER='${kver()}'`);
    expect(text).toContain("IMAGE_MODE='generic'");
    // generic, without a command line: nothing embedded
    expect(at('/etc/cmdline.d/00-mkinitramfs-ts.conf')).toBeUndefined();
  });

  it('is deterministic: planning twice gives the identical plan', async () => {
    expect(planToJson((await planImage(options())).plan)).toEqual(planToJson(planned.plan));
  });

  it('--omit-drivers removes a module and its modules.dep line; others stay', async () => {
    const p = (await planImage(options({ omitDrivers: ['virtio_blk'] }))).plan;
    expect(p.entries.some((e) => e.path.endsWith('/virtio_blk.ko'))).toBe(false);
    expect(p.entries.some((e) => e.path.endsWith('/virtio_scsi.ko'))).toBe(true);
    const dep = p.entries.find((e) => e.path === `${modDir()}/modules.dep`);
    expect(dep?.type === 'file' && String(dep.content)).not.toContain('virtio_blk.ko');
  });

  it('--add-drivers of a module the kernel lacks is BadModuleError', async () => {
    await expect(planImage(options({ addDrivers: ['foo_does_not_exist'] }))).rejects.toThrow(BadModuleError);
  });

  it('--add-drivers adds a module not in the generic set, with its dependencies', async () => {
    const p = (await planImage(options({ addDrivers: ['isofs'] }))).plan;
    const isofs = p.entries.find((e) => e.path.endsWith('/isofs.ko'));
    expect(isofs?.reasons.map((r) => r.why)).toContain('requested with --add-drivers');
    expect(p.entries.some((e) => e.path.endsWith('/cdrom.ko'))).toBe(true);
  });

  it('--omit of an "always" feature is silently ignored: base and rootfs-block stay', async () => {
    const p = await planImage(options({ omit: ['base', 'rootfs-block', 'fsck'] }));
    const names = p.features.map((f) => f.feature.name);
    expect(names).toContain('base');
    expect(names).toContain('rootfs-block');
    expect(names).not.toContain('fsck');
    expect(p.plan.entries.some((e) => e.path === '/init')).toBe(true);
  });

  it('--kernel-cmdline is embedded where read_cmdline reads it', async () => {
    const p = (await planImage(options({ kernelCmdline: ' root=UUID=1234 rd.shell=0 ' }))).plan;
    const e = p.entries.find((x) => x.path === '/etc/cmdline.d/00-mkinitramfs-ts.conf');
    expect(e?.type === 'file' && String(e.content)).toBe('root=UUID=1234 rd.shell=0\n');
    expect(readFileSync(join(BUILTIN_MODULES_D, 'base/cmdline.sh'), 'utf8')).toContain('/etc/cmdline.d/*.conf');
  });
});

describe('writeImage of the fixture plan', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mkits-write-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SOURCE_DATE_EPOCH fixed: two builds are byte-identical, mode 0600; no --force keeps the old image', async () => {
    const a = join(dir, 'a.img');
    const b = join(dir, 'b.img');
    const epoch = 1_700_000_000;
    await writeImage(await planImage(options({ output: a, mtime: epoch })), options({ output: a, mtime: epoch }));
    await writeImage(await planImage(options({ output: b, mtime: epoch })), options({ output: b, mtime: epoch }));
    const bytes = readFileSync(a);
    expect(bytes.length).toBeGreaterThan(1_000_000);
    expect(bytes.equals(readFileSync(b))).toBe(true);
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(statSync(b).mode & 0o777).toBe(0o600);

    // the cpio inside carries the epoch (gzip member, newc mtime field of the first entry)
    const cpio = execFileSync('gzip', ['-dc', a], { maxBuffer: 1 << 30 });
    expect(cpio.subarray(0, 6).toString('latin1')).toBe('070701');
    expect(Number.parseInt(cpio.subarray(6 + 5 * 8, 6 + 6 * 8).toString('latin1'), 16)).toBe(epoch);

    // a second build to the same path without force: OutputError, old bytes kept, no temp left
    writeFileSync(join(dir, 'marker'), '');
    await expect(writeImage(await planImage(options({ output: a, mtime: 0 })), options({ output: a, mtime: 0 }))).rejects.toThrow(OutputError);
    expect(readFileSync(a).equals(bytes)).toBe(true);
    expect(execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual(['a.img', 'b.img', 'marker']);

    // with force it is replaced (another mtime → other bytes), still 0600
    await writeImage(await planImage(options({ output: a, mtime: 0 })), options({ output: a, mtime: 0, force: true }));
    expect(readFileSync(a).equals(bytes)).toBe(false);
    expect(statSync(a).mode & 0o777).toBe(0o600);
  }, 300_000);

  it('the plan is finished when planning ends (frozen); the write reports its own warnings and leaves the plan as it was', async () => {
    const p = await planImage(options());
    expect(Object.isFrozen(p.plan) && Object.isFrozen(p.plan.entries) && Object.isFrozen(p.plan.early) && Object.isFrozen(p.plan.warnings)).toBe(true);
    expect(() => (p.plan.warnings as string[]).push('late')).toThrow(TypeError);
    const warnings = [...p.plan.warnings];
    // a kernel version whose config the sysroot lacks: the compression cannot be checked against it
    const result = await writeImage(p, options({ output: join(dir, 'warned.img'), kver: '0.0.0-none' }), { verify: false });
    expect(result.warnings).toEqual([expect.stringMatching(/^no config for kernel 0\.0\.0-none in .*: cannot check that it unpacks gzip$/)]);
    expect(p.plan.warnings).toEqual(warnings);
  }, 300_000);

  it('a compressed archive that does not decompress to the packed one (a broken zstd on PATH) is not written: the old image stays', async () => {
    const target = join(dir, 'round-trip.img');
    writeFileSync(target, 'old');
    const bin = mkdtempSync(join(tmpdir(), 'mkits-bin-'));
    const real = execFileSync('sh', ['-c', 'command -v zstd'], { encoding: 'utf8' }).trim();
    // compresses an empty input whatever it is given, and decompresses truly: a valid frame of other bytes
    writeFileSync(join(bin, 'zstd'), `#!/bin/sh\ncase " $* " in *" -d "*) exec ${real} "$@";; esac\ncat >/dev/null; printf '' | ${real} -q -c\n`, { mode: 0o755 });
    const saved = process.env['PATH'];
    process.env['PATH'] = `${bin}:${saved ?? ''}`;
    try {
      const writing = writeImage(planned, options({ output: target, compress: 'zstd', force: true }));
      await expect(writing).rejects.toThrow(CompressorError);
      await expect(writing).rejects.toThrow("the new image's zstd data does not decompress to the archive that was packed");
    } finally {
      process.env['PATH'] = saved;
      rmSync(bin, { recursive: true, force: true });
    }
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).split('\n').filter((f) => f.includes('round-trip'))).toEqual(['round-trip.img']);
  }, 300_000);

  it('an image that fails verification (a library taken out) is not written: the old image stays, no temp file', async () => {
    const target = join(dir, 'broken.img');
    writeFileSync(target, 'old');
    for (const compress of ['zstd', 'gzip']) {
      const planned = await planImage(options({ output: target, compress }));
      const lib = planned.plan.entries.findIndex((e) => /\/libblkid\.so\.1\.[0-9.]+$/.test(e.path));
      expect(lib).toBeGreaterThanOrEqual(0);
      const broken = { ...planned, plan: { ...planned.plan, entries: planned.plan.entries.filter((_, i) => i !== lib) } };
      const writing = writeImage(broken, options({ output: target, compress, force: true }));
      await expect(writing).rejects.toThrow(NotBootableError);
      await expect(writing).rejects.toThrow(/the new image failed verification, the old one is kept: .*libblkid/);
      expect(readFileSync(target, 'utf8')).toBe('old');
      expect(execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).split('\n').filter((f) => f.includes('broken'))).toEqual(['broken.img']);
    }
  }, 300_000);
});
