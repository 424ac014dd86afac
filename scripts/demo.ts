// npm run demo: build a generic image of the Debian fixture sysroot with the real CLI, boot it in
// QEMU into a real systemd root, and print the boot timeline.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../test/support/build-image.js';
import { systemdRootDisk } from '../test/support/disks.js';
import { buildSysroot, kernelImage, kver } from '../test/support/fixtures.js';
import { bootVm } from '../test/support/qemu.js';

async function main(): Promise<void> {
  const image = join(mkdtempSync(join(tmpdir(), 'mkinitramfs-ts-demo-')), `initrd.img-${kver()}`);
  const args = ['build', '-N', '--sysroot', buildSysroot(), '--kver', kver(), '-o', image, '-v'];
  console.log(`$ mkinitramfs-ts ${args.join(' ')}`);
  const t = performance.now();
  execFileSync(process.execPath, [CLI, ...args], { stdio: 'inherit' });
  console.log(`built in ${((performance.now() - t) / 1000).toFixed(2)} s, ${(statSync(image).size / 1048576).toFixed(1)} MiB\n`);

  const uuid = '0d3e0000-0000-4000-8000-00000000de40';
  const disk = await systemdRootDisk({ uuid, label: 'demoroot' });
  const mounted = /switching root to /;
  const systemd = /systemd\[1\]: .*|Welcome to /;
  const reached = /MARKER:systemd multi-user reached/;
  console.log(`booting ${kernelImage()} with it in QEMU (root=UUID=${uuid}); the serial console follows\n`);
  const r = await bootVm({
    kernel: kernelImage(),
    initrd: image,
    append: `root=UUID=${uuid}`,
    disks: [{ file: disk, bus: 'virtio-blk' }],
    until: [reached],
    watch: [mounted, systemd],
    timeoutMs: 300_000,
  });
  const lines = r.log.split('\n').filter((l) => /mkinitramfs-ts|MARKER|Run \/init|Welcome/.test(l));
  console.log(lines.join('\n'));
  console.log('\nboot timeline (ms since qemu started):');
  for (const e of r.timeline) console.log(`  ${String(Math.round(e.ms)).padStart(7)}  ${e.label}`);
  if (!r.matched) {
    console.error(`\nthe boot did not reach systemd's multi-user.target; serial log: ${r.logFile}`);
    process.exitCode = 1;
    return;
  }
  console.log(`\nreached systemd multi-user.target via the mkinitramfs-ts image (accel: ${r.accel})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
