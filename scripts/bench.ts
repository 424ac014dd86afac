// npm run bench: speed and size next to the peers, measured in one run on this machine (compare
// tools only within one run: load changes absolute figures). Boots are TCG, medians of 3, taken round-robin.
// systemd as the image's PID 1 (--add systemd-initrd) is set beside dracut's generic image, which
// runs systemd in the initramfs too (the aim: under half of dracut's figures).
// `npm run bench -- --only systemd` runs only the systemd comparison: the systemd-initrd images, our
// shell /init's and dracut's (generic and host-only), and their boots (~half the time of the whole run).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markerRootDisk } from '../test/support/disks.js';
import { buildSysroot, kernelImage, kernelRoot, kmodDir, kver, trixieKernel } from '../test/support/fixtures.js';
import { TCG } from '../test/support/accel.js';
import { bootVm, INIT_STARTED, markerMs, type BootOptions, type BootResult } from '../test/support/qemu.js';
import { benchKmod } from './bench/kmod.js';
import { dracut, initramfsTools, type PeerRun } from './bench/peers.js';

const scratch = mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-bench-'));
const rows: string[][] = [];
const row = (...cells: (string | number)[]): void => {
  rows.push(cells.map(String));
  console.error(cells.join('  '));
};
const mib = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// The installed command (bin/mkinitramfs-ts.cjs), as a user or a kernel hook runs it: Node start-up included.
const COMMAND = fileURLToPath(new URL('../bin/mkinitramfs-ts.cjs', import.meta.url));
const RECOMPRESSED = fileURLToPath(new URL('../test/fixtures/recompressed-kernel.sh', import.meta.url));

function ours(name: string, args: string[], sysroot = buildSysroot(), kernel = kver()): PeerRun & { path: string } {
  const out = join(scratch, `${name}.img`);
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    execFileSync(COMMAND, ['build', '--sysroot', sysroot, '--kver', kernel, '-o', out, '-f', '-q', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    samples.push(performance.now() - t);
  }
  return { ms: median(samples), bytes: statSync(out).size, path: out };
}

/** How long an image took to the root: from qemu's (or the kernel's) start, and from /init; on the
 * counted clock also the kernel's unpack of the image (its only other work that depends on the image). */
type BootTime = { toRoot: number; initToRoot: number; unpack?: number };

/** The marker root's line, and one boot of an image onto it (more: the clock's qemu options). */
const BENCH_MARKER = /MARKER:bench /;
const benchBoot = (image: string, uuid: string, disk: string, more: Partial<BootOptions> = {}): Promise<BootResult> =>
  bootVm({ kernel: kernelImage(), initrd: image, append: `root=UUID=${uuid}`, disks: [{ file: disk, bus: 'virtio-blk' }], until: [BENCH_MARKER], timeoutMs: 300_000, ...more });

/** Boots every image 3 times, round-robin (one boot of each, then again), so that the machine's load
 * drifting during the run falls on every image alike; the medians per image. */
async function bootTimes(images: string[], uuid: string, disk: string): Promise<BootTime[]> {
  const toRoot: number[][] = images.map(() => []);
  const initToRoot: number[][] = images.map(() => []);
  for (let i = 0; i < 3; i++) {
    for (const [k, image] of images.entries()) {
      const r = await benchBoot(image, uuid, disk);
      if (!r.matched) throw new Error(`bench boot of ${image} failed; log in ${r.logFile}`);
      const root = markerMs(r, BENCH_MARKER) as number;
      toRoot[k]?.push(root);
      initToRoot[k]?.push(root - (markerMs(r, INIT_STARTED) ?? 0));
    }
  }
  return images.map((_, k) => ({ toRoot: median(toRoot[k] ?? []), initToRoot: median(initToRoot[k] ?? []) }));
}

/** One boot per image with qemu counting instructions (-icount shift=2,sleep=off: 4 ns of guest time
 * per instruction, whatever the host's speed and load), timed on the guest's own clock: the kernel's
 * "Run /init" stamp and the root's /proc/uptime; the kernel's unpack of the image from its own lines. Not
 * in it: the firmware before the kernel (the same for every image) and the emulator's own work, such as
 * translating code a process runs. */
async function countedTimes(images: string[], uuid: string, disk: string): Promise<BootTime[]> {
  const stamp = (line: RegExp, log: string): number | undefined => {
    const at = new RegExp(`\\[\\s*(\\d+\\.\\d+)\\] ${line.source}`).exec(log)?.[1];
    return at === undefined ? undefined : Number(at) * 1000;
  };
  const times: BootTime[] = [];
  for (const image of images) {
    const r = await benchBoot(image, uuid, disk, { timeoutMs: 600_000, accel: TCG, extraArgs: ['-icount', 'shift=2,sleep=off'] });
    const init = stamp(INIT_STARTED, r.log);
    // the kernel's own lines around its unpack of the initramfs (init/initramfs.c)
    const unpackStart = stamp(/Trying to unpack rootfs image as initramfs/, r.log);
    const unpackEnd = stamp(/Freeing initrd memory/, r.log);
    const up = /MARKER-UPTIME: (\d+\.\d+)/.exec(r.log)?.[1];
    if (!r.matched || init === undefined || up === undefined || unpackStart === undefined || unpackEnd === undefined) {
      throw new Error(`bench: instruction-counted boot of ${image} failed; log in ${r.logFile}`);
    }
    times.push({ toRoot: Number(up) * 1000, initToRoot: Number(up) * 1000 - init, unpack: unpackEnd - unpackStart });
  }
  return times;
}

const ONLY = _only(process.argv.slice(2));

function _only(args: string[]): 'all' | 'systemd' {
  const i = args.indexOf('--only');
  if (i < 0) return 'all';
  if (args[i + 1] === 'systemd') return 'systemd';
  throw new Error(`bench: --only takes "systemd", not ${JSON.stringify(args[i + 1] ?? '')}`);
}

async function main(): Promise<void> {
  const all = ONLY === 'all';
  if (all) for (const r of await benchKmod(kernelRoot(), kver())) row('kmod', r.name, `${r.ms.toFixed(0)} ms`, r.note ?? '');

  const generic = ours('generic', ['-N']);
  row('generic', 'mkinitramfs-ts -N', s(generic.ms), mib(generic.bytes));
  if (all) {
    // the same kernel with every module .ko.xz/.ko.zst/.ko.gz (test/fixtures/recompressed-kernel.sh)
    const recompressed = execFileSync('bash', [RECOMPRESSED], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
    const fromCompressed = ours('generic-compressed', ['-N'], recompressed);
    row('generic', 'mkinitramfs-ts -N, modules .ko.xz/.zst/.gz', s(fromCompressed.ms), mib(fromCompressed.bytes), `${(fromCompressed.ms / generic.ms).toFixed(2)}× the plain .ko build (aim ≤ 1.5×)`);
    // Debian 13's 6.12 kernel, every module .ko.xz, built from a Debian 13 root
    const trixie = trixieKernel();
    const d13 = ours('generic-debian13', ['-N'], trixie.sysroot, trixie.kver);
    row('generic', `mkinitramfs-ts -N, Debian 13 (${trixie.kver}, .ko.xz)`, s(d13.ms), mib(d13.bytes));
  }
  const hostonly = ours('hostonly', ['-H', '--sysfs', '/sys', '--procfs', '/proc']);
  row('host-only', 'mkinitramfs-ts -H (this VM: virtio-blk, ext4)', s(hostonly.ms), mib(hostonly.bytes));

  const dGeneric = dracut(kver(), kmodDir(), join(scratch, 'dracut-generic.img'), false);
  row('generic', 'dracut --no-hostonly', s(dGeneric.ms), mib(dGeneric.bytes), `${(dGeneric.ms / generic.ms).toFixed(0)}× slower`);
  if (all) {
    const iMost = initramfsTools(kver(), kernelRoot(), kmodDir(), scratch, 'most', join(scratch, 'itools-most.img'));
    row('generic', 'initramfs-tools MODULES=most', s(iMost.ms), mib(iMost.bytes), `${(iMost.ms / generic.ms).toFixed(0)}× slower`);
  }
  const dHost = dracut(kver(), kmodDir(), join(scratch, 'dracut-hostonly.img'), true);
  row('host-only', 'dracut --hostonly', s(dHost.ms), mib(dHost.bytes));
  if (all) {
    const iDep = initramfsTools(kver(), kernelRoot(), kmodDir(), scratch, 'dep', join(scratch, 'itools-dep.img'));
    row('host-only', 'initramfs-tools MODULES=dep', s(iDep.ms), mib(iDep.bytes));
  }

  // systemd in the image, against dracut (systemd in the image as well) and our shell /init
  const ofDracut = (x: number, d: number): string => {
    const pct = (100 * x) / d;
    return `${pct.toFixed(pct < 10 ? 1 : 0)} % of dracut's`;
  };
  const sdGeneric = ours('systemd-generic', ['-N', '--add', 'systemd-initrd']);
  row('generic', 'mkinitramfs-ts -N --add systemd-initrd', s(sdGeneric.ms), mib(sdGeneric.bytes), `time ${ofDracut(sdGeneric.ms, dGeneric.ms)}, size ${ofDracut(sdGeneric.bytes, dGeneric.bytes)}`);
  // the same image lz4-compressed: bigger, but the kernel unpacks it faster than zstd under TCG
  const sdLz4 = ours('systemd-generic-lz4', ['-N', '--add', 'systemd-initrd', '--compress', 'lz4']);
  row('generic', 'mkinitramfs-ts -N --add systemd-initrd --compress lz4', s(sdLz4.ms), mib(sdLz4.bytes), `size ${ofDracut(sdLz4.bytes, dGeneric.bytes)}`);
  const sdHost = ours('systemd-hostonly', ['-H', '--sysfs', '/sys', '--procfs', '/proc', '--add', 'systemd-initrd']);
  row('host-only', 'mkinitramfs-ts -H --add systemd-initrd', s(sdHost.ms), mib(sdHost.bytes), `time ${ofDracut(sdHost.ms, dHost.ms)}, size ${ofDracut(sdHost.bytes, dHost.bytes)}`);

  const uuid = '5e1f0000-0000-4000-8000-00000000be0c';
  const disk = await markerRootDisk({ uuid, label: 'bench', marker: 'bench' });
  const images = [
    ['mkinitramfs-ts -N', generic.path],
    ['dracut --no-hostonly', join(scratch, 'dracut-generic.img')],
    ['mkinitramfs-ts -N --add systemd-initrd', sdGeneric.path],
    ['mkinitramfs-ts -N --add systemd-initrd --compress lz4', sdLz4.path],
    ...(all ? ([['initramfs-tools MODULES=most', join(scratch, 'itools-most.img')]] as const) : []),
  ] as const;
  // one row per image and clock; the systemd images' ratios against dracut's (the second image)
  // what an image decides: the kernel's unpack of it and /init → root; the rest of the kernel's start
  // (its own initcalls, crypto self-tests) is the same for every image
  const own = (x: BootTime): number | undefined => (x.unpack === undefined ? undefined : x.unpack + x.initToRoot);
  const report = (what: string, start: string, times: BootTime[]): void => {
    const d = times[1];
    const ownD = d && own(d);
    for (const [k, [name]] of images.entries()) {
      const t = times[k];
      if (!t) continue;
      const ownT = own(t);
      const ownVs = ownT !== undefined && ownD !== undefined ? `, unpack + /init → root ${ofDracut(ownT, ownD)}` : '';
      const vs = name.includes('systemd-initrd') && d ? `${start} → root ${ofDracut(t.toRoot, d.toRoot)}, /init → root ${ofDracut(t.initToRoot, d.initToRoot)}${ownVs}` : '';
      const unpack = t.unpack === undefined ? [] : [`unpack: ${s(t.unpack)}`];
      row(what, name, `${start} → root: ${s(t.toRoot)}`, `/init → root: ${s(t.initToRoot)}`, ...unpack, vs);
    }
  };
  const paths = images.map(([, path]) => path);
  report('boot (TCG, median of 3, round-robin)', 'qemu start', await bootTimes(paths, uuid, disk));
  report('boot (TCG, instructions counted, guest clock)', 'kernel start', await countedTimes(paths, uuid, disk));
  // as many columns as the longest row (a markdown renderer drops the cells past the header's)
  const width = Math.max(...rows.map((r) => r.length));
  console.log(`\n| what | tool |${' figure |'.repeat(width - 2)}\n|${' --- |'.repeat(width)}`);
  for (const r of rows) console.log(`| ${[...r, ...Array<string>(width - r.length).fill('')].join(' | ')} |`);
  rmSync(scratch, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
