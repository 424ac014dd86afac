// The inspect commands on images the peers build for the fixture kernel: dracut (--no-hostonly, the
// base module, ext4 + virtio_blk, zstd) and initramfs-tools (MODULES=list, zstd), both cached by the
// peers' package versions. The oracles are the peers' own tools (lsinitramfs, unmkinitramfs), the
// files the peers copied, and readelf.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, rmdirSync, symlinkSync, unlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffImages } from '../../src/inspect/diff-images.js';
import { extractTree } from '../../src/inspect/extract-tree.js';
import { fileBytes } from '../../src/inspect/cat-file.js';
import { imageModules } from '../../src/inspect/image-modules.js';
import { listSegments } from '../../src/inspect/list-image.js';
import { loadImage, type LoadedImage } from '../../src/inspect/load-image.js';
import { formatProblem } from '../../src/inspect/verify/problem.js';
import { verifyImage } from '../../src/inspect/verify/verify-image.js';
import { cachedArtifact } from '../support/disks/cached-artifact.js';
import { kernelRoot, kmodDir, kver } from '../support/fixtures.js';
import { runCli } from '../unit/inspect/run-cli.js';

const scratch = join(tmpdir(), `mkinitramfs-inspect-peers-${process.pid}`);
mkdirSync(scratch, { recursive: true });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ITOOLS_CONF = 'MODULES=list\nBUSYBOX=auto\nKEYMAP=n\nCOMPRESS=zstd\nDEVICE=\nNFSROOT=auto\nRUNSIZE=10%\nFSTYPE=auto\n';
const ITOOLS_MODULES = 'ext4\nvirtio_blk\nnvme\nahci\n';
const DRACUT_DRIVERS = 'ext4 virtio_blk';

const version = (pkg: string): string => execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function dracutImage(): Promise<string> {
  const inputs = { dracut: version('dracut-core'), kver: kver(), drivers: DRACUT_DRIVERS, recipe: 1 };
  const made = await cachedArtifact('peer-dracut', inputs, async (out) => {
    execFileSync(
      'dracut',
      ['--no-hostonly', '--force', '--quiet', '--kver', kver(), '--kmoddir', kmodDir(), '--zstd', '-m', 'base', '--add-drivers', DRACUT_DRIVERS,
        '--no-early-microcode', '--kernel-cmdline', 'rootfstype=ext4', out],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  });
  return made.path;
}

/** mkinitramfs reads /lib/modules/KVER and /boot/config-KVER of the machine: lend it the fixture's for the build. */
async function initramfsToolsImage(): Promise<string> {
  const inputs = { itools: version('initramfs-tools-core'), kver: kver(), conf: ITOOLS_CONF, modules: ITOOLS_MODULES, recipe: 1 };
  const made = await cachedArtifact('peer-initramfs-tools', inputs, async (out) => {
    const conf = join(scratch, 'itools-conf');
    mkdirSync(join(conf, 'conf.d'), { recursive: true });
    for (const d of ['hooks', 'scripts']) mkdirSync(join(conf, d), { recursive: true });
    writeFileSync(join(conf, 'initramfs.conf'), ITOOLS_CONF);
    writeFileSync(join(conf, 'modules'), ITOOLS_MODULES);
    const undo = _lendKernel();
    try {
      execFileSync('mkinitramfs', ['-d', conf, '-o', out, kver()], { stdio: ['ignore', 'ignore', 'pipe'] });
    } finally {
      undo();
    }
  });
  return made.path;
}

function _lendKernel(): () => void {
  const undo: Array<() => void> = [];
  if (!existsSync('/lib/modules')) {
    mkdirSync('/lib/modules');
    undo.push(() => rmdirSync('/lib/modules'));
  }
  const moddir = `/lib/modules/${kver()}`;
  if (!existsSync(moddir)) {
    symlinkSync(kmodDir(), moddir);
    undo.push(() => unlinkSync(moddir));
  }
  const config = `/boot/config-${kver()}`;
  if (!existsSync(config)) {
    copyFileSync(join(kernelRoot(), 'boot', `config-${kver()}`), config);
    undo.push(() => unlinkSync(config));
  }
  return () => undo.reverse().forEach((u) => u());
}

async function cli(...args: string[]): Promise<number> {
  const { code, err } = await runCli(...args);
  if (code !== 0) console.log(err);
  return code;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Relative path -> "type mode size sha|target" for every name under `root`. */
function describeTree(root: string, rel = '', out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(join(root, rel))) {
    const p = rel === '' ? name : `${rel}/${name}`;
    const st = lstatSync(join(root, p));
    const what = st.isSymbolicLink() ? `-> ${readlinkSync(join(root, p))}` : st.isFile() ? sha(readFileSync(join(root, p))) : '';
    out.set(p, `${(st.mode & 0o170000).toString(8)} ${(st.mode & 0o7777).toString(8)} ${what}`);
    if (st.isDirectory()) describeTree(root, p, out);
  }
  return out;
}

const peers: Record<'dracut' | 'itools', { path: string; image: LoadedImage }> = {} as never;

beforeAll(async () => {
  for (const [key, build] of [['dracut', dracutImage], ['itools', initramfsToolsImage]] as const) {
    const path = await build();
    peers[key] = { path, image: await loadImage(path) };
  }
}, 300_000);

describe.each(['dracut', 'itools'] as const)('inspect on a %s image', (peer) => {
  it('ls lists exactly the names lsinitramfs lists', () => {
    const ours = listSegments(peers[peer].image.segments).flatMap((s) => s.entries.map((e) => e.path));
    const theirs = execFileSync('lsinitramfs', [peers[peer].path], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').filter((l) => l !== '');
    expect(ours.length).toBeGreaterThan(100);
    expect([...ours].sort()).toEqual([...theirs].sort());
    expect(ours).toContain('init');
  });

  it('cat gives the bytes of the files the peer copied in', () => {
    const img = peers[peer].image;
    const initSource = peer === 'dracut' ? '/usr/lib/dracut/modules.d/99base/init.sh' : '/usr/share/initramfs-tools/init';
    expect(sha(fileBytes(img, '/init'))).toBe(sha(readFileSync(initSource)));
    for (const name of ['modules.builtin', 'modules.order'])
      expect(sha(fileBytes(img, `/lib/modules/${kver()}/${name}`))).toBe(sha(readFileSync(join(kmodDir(), name))));
    if (peer === 'itools') expect(fileBytes(img, 'conf/initramfs.conf').toString()).toBe(ITOOLS_CONF);
  });

  it('extract reproduces the tree unmkinitramfs unpacks: names, types, modes, contents, link targets', async () => {
    const ours = join(scratch, `${peer}-ours`);
    const theirs = join(scratch, `${peer}-theirs`);
    expect(await cli('extract', '--preserve', peers[peer].path, ours)).toBe(0); // as root, as unmkinitramfs (cpio) does
    execFileSync('unmkinitramfs', [peers[peer].path, theirs], { stdio: ['ignore', 'ignore', 'pipe'] });
    const [a, b] = [describeTree(ours), describeTree(theirs)];
    expect(a.size).toBeGreaterThan(100);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
  });

  it('verify: every segment decodes, /init is there, and whatever else it finds is reported', async () => {
    const problems = await verifyImage(peers[peer].path, { kver: kver() });
    if (problems.length > 0) console.log(`verify ${peer} (${peers[peer].path}):\n${problems.map(formatProblem).join('\n')}`);
    expect(problems.filter((p) => p.path === '/init' || p.message.startsWith('does not decode'))).toEqual([]);
    expect(peers[peer].image.tree.resolve('/init')?.node?.type).toBe('file');
  });
});

describe('diff and verify across the peers', () => {
  it('diff reports the module-set difference lsinitramfs shows', async () => {
    const names = (p: string): Set<string> =>
      new Set(
        execFileSync('lsinitramfs', [p], { encoding: 'utf8', maxBuffer: 1 << 28 })
          .split('\n')
          .filter((l) => /\.ko(\.(xz|zst|gz))?$/.test(l))
          .map((l) => (l.split('/').pop() ?? '').replace(/\.ko.*$/, '').replaceAll('-', '_')),
      );
    const [d, i] = [names(peers.dracut.path), names(peers.itools.path)];
    const diff = diffImages(peers.dracut.image, peers.itools.image);
    expect(diff.modules.removed).toEqual([...d].filter((m) => !i.has(m)).sort());
    expect(diff.modules.added).toEqual([...i].filter((m) => !d.has(m)).sort());
    expect(diff.modules.added).toEqual(expect.arrayContaining(['nvme', 'ahci']));
    expect(diff.sizes.fileDelta).toBe(peers.itools.image.fileSize - peers.dracut.image.fileSize);
  });

  it('verify finds exactly what is taken out of a real image: a library and a module', async () => {
    const img = peers.dracut.image;
    const kmod = imageModules(img.tree).find((m) => m.name === 'jbd2');
    const lib = img.tree.resolve('/usr/lib/x86_64-linux-gnu/libkmod.so.2') ?? img.tree.resolve('/lib/x86_64-linux-gnu/libkmod.so.2');
    expect(kmod).toBeDefined();
    expect(lib).toBeDefined();
    const dir = join(scratch, 'tampered');
    extractTree(img.tree, dir);
    for (const p of [kmod?.path, lib?.path]) rmSync(join(dir, p ?? '/nonexistent'));
    const needers = _elfFilesNeeding(dir, 'libkmod.so.2');
    expect(needers.length).toBeGreaterThan(0);
    const cpio = execFileSync('sh', ['-c', 'find . -mindepth 1 -printf "%P\\n" | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | zstd -q -c'], {
      cwd: dir,
      maxBuffer: 1 << 30,
    });
    const tampered = join(scratch, 'tampered.img');
    writeFileSync(tampered, cpio);
    const before = (await verifyImage(peers.dracut.path, { kver: kver() })).map(formatProblem);
    const after = (await verifyImage(tampered, { kver: kver() })).map(formatProblem).filter((p) => !before.includes(p));
    const relKo = kmod?.path.replace(/^.*\/lib\/modules\/[^/]+\//, '') ?? '';
    const expected = [
      ...needers.map((p) => expect.stringMatching(new RegExp(`^${escapeRe(p)}: needs libkmod\\.so\\.2, which is not in the image`))),
      expect.stringMatching(/\/ext4\.ko: depends on jbd2, which is not in the image nor built into the kernel/),
      `${img.tree.realpath(`/lib/modules/${kver()}`)}/modules.dep: lists ${relKo}, which is not in the image: add it or rerun depmod for the image`,
    ];
    expect(after).toHaveLength(expected.length);
    expect(after).toEqual(expect.arrayContaining(expected));
    expect(await cli('verify', tampered)).toBe(13);
  });
});

/** In-image paths of ELF files under `root` whose DT_NEEDED names `soname`, according to readelf. */
function _elfFilesNeeding(root: string, soname: string): string[] {
  const out: string[] = [];
  for (const [rel] of describeTree(root)) {
    const full = join(root, rel);
    const st = lstatSync(full);
    if (!st.isFile() || rel.endsWith('.ko')) continue;
    if (!readFileSync(full).subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) continue;
    const dynamic = execFileSync('readelf', ['-d', full], { encoding: 'utf8' });
    if (dynamic.includes(`Shared library: [${soname}]`)) out.push(`/${rel}`);
  }
  return out.sort();
}
