// Generic images for kernels of other flavours, built with the real CLI from sysroots that hold the real
// Debian packages: bookworm's -cloud-amd64 (NVMe and ext4 built in, no AHCI, no USB host drivers) and
// -rt-amd64, and trixie's 6.12 (every module .ko.xz, virtio-pci built in). Each request of the generic
// kernel-modules list is checked against the kernel's own modules.dep and modules.builtin: a module the
// kernel has is in the image, a built-in one is a "built into" note, a missing one a "not in" note.
import { storedModulePath } from '../../src/kmod/module-compression.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/build-image.js';
import { cloudKernel, rtKernel, trixieKernel, trixieRoot, type KernelFixture } from '../support/fixtures.js';

interface Note {
  subject: string;
  text: string;
  reasons: string[];
}
interface DryRun {
  kver: string;
  entries: { path: string; type: string }[];
  notes: Note[];
}

const MANIFEST = fileURLToPath(new URL('../../modules.d/kernel-modules/module.toml', import.meta.url));
const GENERIC_LIST = (parse(readFileSync(MANIFEST, 'utf8'))['kernel_modules'] as string[]).map((m) => m.replace(/\?$/, ''));
const tmp = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-flavours-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[]): { stdout: string; stderr: string } {
  const r = cli(args);
  if (r.status !== 0) throw new Error(`mkinitramfs-ts ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r;
}

const modname = (file: string): string => basename(file).replace(/\.ko(\.[a-z]+)?$/, '').replace(/-/g, '_');

/** What the kernel package itself says: loadable modules (name → path in modules.dep) and built-ins. */
function kernelFacts(k: KernelFixture): { loadable: Map<string, string>; builtin: string[] } {
  const loadable = new Map<string, string>();
  for (const line of readFileSync(join(k.kmodDir, 'modules.dep'), 'utf8').split('\n')) {
    const path = line.slice(0, line.indexOf(':'));
    if (path !== '') loadable.set(modname(path), path);
  }
  const builtin = readFileSync(join(k.kmodDir, 'modules.builtin'), 'utf8').split('\n').filter((l) => l !== '');
  return { loadable, builtin };
}

// Builds on a loaded 2-core machine can take long: generous limits here; speed belongs in `npm run bench`.
const LIMIT = 600_000;

const FLAVOURS: [string, () => KernelFixture][] = [
  ['bookworm -cloud-amd64', cloudKernel],
  ['bookworm -rt-amd64', rtKernel],
  ['trixie 6.12 (.ko.xz)', trixieKernel],
];

describe.each(FLAVOURS)('generic image for %s', (label, fixture) => {
  const k = fixture();
  const base = ['--sysroot', k.sysroot, '--kver', k.kver, '-N'];
  let plan: DryRun | undefined;
  const dryRun = (): DryRun => (plan ??= JSON.parse(ok(['build', ...base, '--dry-run', '--json']).stdout) as DryRun);

  it('--dry-run succeeds; each generic request is in the image, a built-in note or a "not in" note, as the kernel package says', () => {
    const p = dryRun();
    expect(p.kver).toBe(k.kver);
    const facts = kernelFacts(k);
    const files = new Set(p.entries.filter((e) => e.type === 'file').map((e) => e.path));
    // the image stores every module decompressed: kernel/…/x.ko.xz of the package is x.ko there
    const inImage = (rel: string): boolean => files.has(`/usr/lib/modules/${k.kver}/${storedModulePath(rel)}`);
    const notesOf = (subject: string): string[] => p.notes.filter((n) => n.subject === subject).map((n) => n.text);
    const kernel = `kernel ${k.kver}`;
    let modules = 0;
    for (const req of GENERIC_LIST) {
      if (req.startsWith('=')) {
        const prefix = `kernel/${req.slice(1)}/`;
        const under = [...facts.loadable.values()].filter((path) => path.startsWith(prefix));
        const builtin = facts.builtin.filter((path) => path.startsWith(prefix)).map(modname);
        for (const path of under) expect(inImage(path), `${path} of group ${req}`).toBe(true);
        if (builtin.length > 0) expect(notesOf(req), req).toEqual([`built into ${kernel} (${builtin.join(', ')})`]);
        else if (under.length === 0) expect(notesOf(req), req).toEqual([`no modules under ${prefix.slice(0, -1)} in ${kernel}: skipped`]);
        else expect(notesOf(req), req).toEqual([]);
        modules += under.length;
        continue;
      }
      const name = req.replace(/-/g, '_');
      const path = facts.loadable.get(name);
      if (path !== undefined) {
        expect(inImage(path), `${req} (${path})`).toBe(true);
        expect(notesOf(req), req).toEqual([]);
        modules++;
      } else if (facts.builtin.some((b) => modname(b) === name)) expect(notesOf(req), req).toEqual([`built into ${kernel}`]);
      else expect(notesOf(req), req).toEqual([`not in ${kernel}: skipped`]);
    }
    expect(modules).toBeGreaterThan(20);
    for (const n of p.notes) expect(n.reasons.length, n.subject).toBeGreaterThan(0);
  }, LIMIT);

  it('--dry-run lists the notes after the entries, sorted, and explain ends with them', () => {
    const p = dryRun();
    expect(p.notes.length).toBeGreaterThan(0);
    const text = ok(['build', ...base, '--dry-run']).stdout.trimEnd().split('\n');
    const noteLines = text.filter((l) => l.startsWith('# note: '));
    expect(noteLines).toEqual(text.slice(text.length - p.notes.length));
    expect(noteLines.map((l) => l.slice('# note: '.length).split(': ')[0])).toEqual(p.notes.map((n) => n.subject));
    const explained = ok(['explain', ...base]).stdout.trimEnd().split('\n');
    expect(explained[explained.length - p.notes.length - 1]).toBe(`notes: asked for, not in the image as a file (${p.notes.length})`);
    // i8042 is built into every Debian x86 kernel: explain answers with the note, not "not in the image"
    expect(ok(['explain', ...base, 'i8042']).stdout).toBe(`i8042: built into kernel ${k.kver} ← feature kernel-modules (default)\n`);
  }, LIMIT);

  it(`builds (-v lists the notes), and the image passes verify`, () => {
    const out = join(tmp, `${label.replace(/[^a-z0-9]+/g, '-')}.img`);
    const built = ok(['build', ...base, '-v', '-o', out]);
    for (const n of dryRun().notes) expect(built.stderr).toContain(`note: ${n.subject}: ${n.text}`);
    const verified = cli(['verify', out]);
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
    const listed = ok(['ls', out]).stdout;
    expect(listed).toMatch(new RegExp(`lib/modules/${k.kver.replace(/[.+]/g, '\\$&')}/modules\\.dep`));
  }, LIMIT);
});

describe('the flavours differ where the issue says they do', () => {
  it('-cloud-amd64: no USB host drivers (a note, not the old "no modules under" error), NVMe and ext4 built in, no ahci', () => {
    const k = cloudKernel();
    const p = JSON.parse(ok(['build', '--sysroot', k.sysroot, '--kver', k.kver, '-N', '--dry-run', '--json']).stdout) as DryRun;
    const note = (s: string): string | undefined => p.notes.find((n) => n.subject === s)?.text;
    expect(note('=drivers/usb/host')).toBe(`no modules under kernel/drivers/usb/host in kernel ${k.kver}: skipped`);
    expect(note('ext4')).toBe(`built into kernel ${k.kver}`);
    expect(note('=drivers/nvme/host')).toMatch(/^built into kernel \S+ \(.*\bnvme\b.*\)$/);
    expect(p.entries.some((e) => /\/ahci\.ko$/.test(e.path))).toBe(false);
    expect(ok(['explain', '--sysroot', k.sysroot, '--kver', k.kver, '-N', 'nvme']).stdout).toMatch(/^=drivers\/nvme\/host: built into kernel /);
  }, LIMIT);

  it('a driver asked for by name that the kernel neither has nor builds in is still an error (--add-drivers usbhid on -cloud-amd64)', () => {
    const k = cloudKernel();
    const r = cli(['build', '--sysroot', k.sysroot, '--kver', k.kver, '-N', '--dry-run', '--add-drivers', 'usbhid']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`unknown module or alias 'usbhid' for kernel ${k.kver}`);
  }, LIMIT);
});

describe('the Debian 13 fixtures (for trixie boots)', () => {
  it('rootfs-trixie is Debian 13 with systemd, udev, kmod, busybox, e2fsprogs and util-linux; sysroot-trixie adds the 6.12 kernel, every module .ko.xz', () => {
    const root = trixieRoot();
    expect(readFileSync(join(root, 'etc/os-release'), 'utf8')).toMatch(/^VERSION_CODENAME=trixie$/m);
    for (const f of ['usr/lib/systemd/systemd', 'usr/bin/udevadm', 'usr/bin/kmod', 'usr/bin/busybox', 'usr/sbin/e2fsck', 'usr/sbin/blkid'])
      expect(existsSync(join(root, f)), f).toBe(true);
    const k = trixieKernel();
    expect(k.kver).toMatch(/^6\.12\./);
    expect(existsSync(join(k.sysroot, 'boot', `vmlinuz-${k.kver}`))).toBe(true);
    const dep = readFileSync(join(k.sysroot, 'lib/modules', k.kver, 'modules.dep'), 'utf8').split('\n').filter((l) => l !== '');
    expect(dep.length).toBeGreaterThan(4000);
    expect(dep.filter((l) => !/^[^:]+\.ko\.xz:/.test(l))).toEqual([]);
  });
});
