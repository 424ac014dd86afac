// The peers on the same kernel, for the benchmark: dracut and initramfs-tools' mkinitramfs, run
// against the unpacked fixture kernel (mkinitramfs wants /lib/modules/KVER and /boot/config-KVER on
// the machine: they are lent for the run and removed after).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PeerRun {
  ms: number;
  bytes: number;
}

function _timed(out: string, run: () => void): PeerRun {
  rmSync(out, { force: true });
  const t = performance.now();
  run();
  return { ms: performance.now() - t, bytes: Number(execFileSync('stat', ['-c', '%s', out], { encoding: 'utf8' }).trim()) };
}

export function dracut(kver: string, kmoddir: string, out: string, hostonly: boolean): PeerRun {
  const mode = hostonly ? ['--hostonly'] : ['--no-hostonly'];
  return _timed(out, () =>
    execFileSync('dracut', [...mode, '--force', '--quiet', '--kver', kver, '--kmoddir', kmoddir, '--no-early-microcode', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
}

export function initramfsTools(kver: string, kernelRoot: string, kmoddir: string, scratch: string, modules: 'most' | 'dep', out: string): PeerRun {
  const conf = join(scratch, `itools-${modules}`);
  for (const d of ['conf.d', 'hooks', 'scripts']) mkdirSync(join(conf, d), { recursive: true });
  writeFileSync(join(conf, 'initramfs.conf'), `MODULES=${modules}\nBUSYBOX=auto\nCOMPRESS=zstd\nDEVICE=\nNFSROOT=auto\nRUNSIZE=10%\nFSTYPE=auto\n`);
  writeFileSync(join(conf, 'modules'), '');
  const undo = lendKernel(kver, kernelRoot, kmoddir);
  try {
    return _timed(out, () => execFileSync('mkinitramfs', ['-d', conf, '-o', out, kver], { stdio: ['ignore', 'ignore', 'pipe'] }));
  } finally {
    undo();
  }
}

export function lendKernel(kver: string, kernelRoot: string, kmoddir: string): () => void {
  const undo: Array<() => void> = [];
  if (!existsSync('/lib/modules')) {
    mkdirSync('/lib/modules');
    undo.push(() => rmdirSync('/lib/modules'));
  }
  const moddir = `/lib/modules/${kver}`;
  if (!existsSync(moddir)) {
    symlinkSync(kmoddir, moddir);
    undo.push(() => unlinkSync(moddir));
  }
  const config = `/boot/config-${kver}`;
  if (!existsSync(config)) {
    copyFileSync(join(kernelRoot, 'boot', `config-${kver}`), config);
    undo.push(() => unlinkSync(config));
  }
  return () => undo.reverse().forEach((u) => u());
}
