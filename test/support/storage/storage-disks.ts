// The storage matrix's LVM / LUKS / md / btrfs / xfs disks, built in ONE throw-away VM: the fixture
// kernel with an image mkinitramfs-ts makes from the storage sysroot (storage features + mkfs tools +
// build-disks.sh as rdinit), the root tree as a raw tar disk, and one raw file per disk to fill.
// Cached as a directory under cacheDir()/disks by a hash of the recipe, the script and the tree.
//   const d = await storageDisks(); d.lvm, d.luks, d.luks1, d.nvme, d.md[0..1], d.btrfs[0..1], d.xfs
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFixtureImage } from '../build-image.js';
import { cachedArtifact } from '../disks/cached-artifact.js';
import { makeGptDisk } from '../disks/gpt-table.js';
import { makeSystemdTree, SYSTEMD_OVERLAY } from '../disks/systemd-tree.js';
import { treeHash } from '../disks/tree-hash.js';
import { debianRoot, kernelImage, kver } from '../fixtures.js';
import { bootVm } from '../qemu.js';
import { addCaptureUnit, STORAGE_CAPTURE_OVERLAY } from '../storage-capture/capture-unit.js';
import { STORAGE_RECIPE } from './recipe.js';
import { BUILDER_SCRIPT, storageSysroot } from './storage-sysroot.js';

// Bump when the build changes in a way the cache key does not see.
const _RECIPE = 1;
const _BUILD_TIMEOUT_MS = 40 * 60_000;
const _SCRIPT = fileURLToPath(new URL('./build-disks.sh', import.meta.url));

export interface StorageDisks {
  lvm: string;
  luks: string;
  /** LUKS1 (pbkdf2) in GPT partition 1, keyed by the key file only. */
  luks1: string;
  nvme: string;
  md: [string, string];
  btrfs: [string, string];
  xfs: string;
}

/** The files, in the order they are attached to the builder (vda = the tar of the root tree). */
const _LAYOUT = [
  { file: 'lvm.img', env: 'LVM_DEV', gptPartUuid: undefined },
  { file: 'luks.img', env: 'LUKS_DEV', gptPartUuid: STORAGE_RECIPE.luks.partUuid },
  { file: 'nvme.img', env: 'NVME_DEV', gptPartUuid: STORAGE_RECIPE.nvme.partUuid },
  { file: 'md-a.img', env: 'MD_DEV1', gptPartUuid: undefined },
  { file: 'md-b.img', env: 'MD_DEV2', gptPartUuid: undefined },
  { file: 'btrfs-a.img', env: 'BTRFS_DEV1', gptPartUuid: undefined },
  { file: 'btrfs-b.img', env: 'BTRFS_DEV2', gptPartUuid: undefined },
  { file: 'xfs.img', env: 'XFS_DEV', gptPartUuid: STORAGE_RECIPE.xfs.partUuid },
  { file: 'luks1.img', env: 'LUKS1_DEV', gptPartUuid: STORAGE_RECIPE.luks1.partUuid },
] as const;

/** Where the builder finds each disk: virtio disk N is /dev/vd<a+N>, its GPT partition 1 vd<x>1. */
export function builderDisksEnv(): string {
  const lines = ['TAR_DEV=/dev/vda'];
  let last = '';
  _LAYOUT.forEach((d, i) => {
    last = `/dev/vd${String.fromCharCode(0x62 + i)}${d.gptPartUuid ? '1' : ''}`;
    lines.push(`${d.env}=${last}`);
  });
  lines.push(`LAST_DEV=${last}`);
  return `${lines.join('\n')}\n`;
}

export async function storageDisks(): Promise<StorageDisks> {
  const fixture = statSync(join(debianRoot(), '.complete'));
  const inputs = {
    _RECIPE,
    recipe: STORAGE_RECIPE,
    script: readFileSync(_SCRIPT, 'utf8'),
    overlay: treeHash(SYSTEMD_OVERLAY),
    captureOverlay: treeHash(STORAGE_CAPTURE_OVERLAY),
    fixture: [fixture.ino, fixture.mtimeMs],
    kver: kver(),
  };
  const art = await cachedArtifact('storage', inputs, (tmp) => _build(tmp));
  const at = (f: string): string => join(art.path, f);
  return {
    lvm: at('lvm.img'),
    luks: at('luks.img'),
    luks1: at('luks1.img'),
    nvme: at('nvme.img'),
    md: [at('md-a.img'), at('md-b.img')],
    btrfs: [at('btrfs-a.img'), at('btrfs-b.img')],
    xfs: at('xfs.img'),
  };
}

async function _build(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const diskMiB = STORAGE_RECIPE.fsMiB + 100; // room for LUKS1/LUKS2 headers, LVM metadata, swap, GPT
  for (const d of _LAYOUT) {
    const path = join(dir, d.file);
    if (d.gptPartUuid) {
      makeGptDisk(path, { diskGuid: `0d15c000${d.gptPartUuid.slice(8)}`, partitions: [{ sizeMiB: diskMiB, uuid: d.gptPartUuid, name: d.file.replace('.img', '') }] });
    } else {
      const fd = openSync(path, 'w');
      ftruncateSync(fd, diskMiB * 1024 * 1024);
      closeSync(fd);
    }
  }
  const tarFile = join(dir, 'root.tar');
  _rootTarball(`${dir}.tree`, tarFile);

  const sysroot = await storageSysroot(builderDisksEnv());
  const image = buildFixtureImage('storage-builder', [
    '-N', '--sysroot', sysroot, '--add', 'lvm crypt mdraid btrfs xfs', '--compress', 'zstd',
    ...['/usr/sbin/mke2fs', '/etc/mke2fs.conf', '/usr/sbin/mkfs.xfs', '/usr/sbin/mkfs.btrfs', '/usr/bin/tar', '/usr/sbin/mkswap',
      STORAGE_RECIPE.keyPath, BUILDER_SCRIPT, `${BUILDER_SCRIPT.replace(/[^/]+$/, '')}recipe.env`, `${BUILDER_SCRIPT.replace(/[^/]+$/, '')}disks.env`,
    ].flatMap((p) => ['--install', p]),
  ]);
  const r = await bootVm({
    kernel: kernelImage(),
    initrd: image,
    append: `rdinit=${BUILDER_SCRIPT}`,
    memory: '2G',
    disks: [
      { file: tarFile, bus: 'virtio-blk' },
      ..._LAYOUT.map((d) => ({ file: join(dir, d.file), bus: 'virtio-blk' as const, snapshot: false })),
    ],
    until: [/STORAGE-BUILD: done/],
    failOn: [/STORAGE-BUILD: failed/],
    timeoutMs: _BUILD_TIMEOUT_MS,
    graceMs: 30_000,
  });
  rmSync(tarFile, { force: true });
  if (!r.matched) throw new Error(`building the storage disks failed (${r.failedOn ?? (r.timedOut ? 'timeout' : 'no verdict')}); log ${r.logFile}:\n${r.log.slice(-3000)}`);
  process.stderr.write(`storage disks built in ${Math.round(r.durationMs / 1000)} s (${r.accel})\n`);
}

/**
 * The systemd root (its fstab is rewritten per disk by the builder) as a plain tar file, with the
 * host-only capture unit (inert unless `mkinitramfs_ts.capture=1` is on the command line).
 */
function _rootTarball(treeDir: string, tarFile: string): void {
  rmSync(treeDir, { recursive: true, force: true });
  mkdirSync(treeDir);
  try {
    makeSystemdTree(join(treeDir, 'root'), { uuid: '00000000-0000-0000-0000-000000000000', hostname: STORAGE_RECIPE.hostname });
    addCaptureUnit(join(treeDir, 'root'));
    execFileSync('tar', ['-C', join(treeDir, 'root'), '--numeric-owner', '-cf', tarFile, '.']);
  } finally {
    rmSync(treeDir, { recursive: true, force: true });
  }
}
