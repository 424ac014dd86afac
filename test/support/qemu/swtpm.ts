// One swtpm (TPM 2.0 emulator) per VM: started on a TPM state directory before qemu, reached through a
// unix control socket (qemu's `-tpmdev emulator`, a TIS device the guest sees as MSFT0101), stopped
// after qemu. The state directory is what a TPM "is": its seeds and NV live there, so a VM booted with
// the directory another VM used sees the same TPM, and an empty directory is a brand-new TPM.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { trackChild } from './live-children.js';

export const SWTPM_BINARY = 'swtpm';
const _SETPRIV = '/usr/bin/setpriv';
const _SOCKET_WAIT_MS = 10_000;

export interface RunningTpm {
  /** The qemu arguments that attach this TPM. */
  qemuArgs: string[];
  /** Ends swtpm (if qemu's exit has not already) and waits for it, so the state is on disk. */
  stop(): Promise<void>;
}

export async function startSwtpm(stateDir: string): Promise<RunningTpm> {
  // a socket path must stay under 108 bytes: not inside a (long) cache path
  const sockDir = mkdtempSync(join(tmpdir(), 'mkits-swtpm-'));
  const sock = join(sockDir, 'ctrl');
  const args = ['socket', '--tpm2', '--tpmstate', `dir=${stateDir}`, '--ctrl', `type=unixio,path=${sock}`, '--terminate', '--log', 'level=0'];
  // setpriv: the kernel kills swtpm when this process dies, however it dies (as for qemu)
  const child = existsSync(_SETPRIV)
    ? spawn(_SETPRIV, ['--pdeathsig', 'KILL', '--', SWTPM_BINARY, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(SWTPM_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  trackChild(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = _exitOf(child);
  const deadline = Date.now() + _SOCKET_WAIT_MS;
  while (!existsSync(sock)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      rmSync(sockDir, { recursive: true, force: true });
      throw new Error(`swtpm did not open its socket for ${stateDir}: ${stderr.trim() || 'no message'}`);
    }
    await sleep(50);
  }
  return {
    qemuArgs: ['-chardev', `socket,id=tpmchr,path=${sock}`, '-tpmdev', 'emulator,id=tpm0,chardev=tpmchr', '-device', 'tpm-tis,tpmdev=tpm0'],
    async stop() {
      // --terminate: swtpm ends when qemu closes the socket; SIGTERM if it has not (it saves its state on it)
      if (child.exitCode === null && child.signalCode === null) {
        const grace = setTimeout(() => child.kill('SIGTERM'), 2_000);
        await exited;
        clearTimeout(grace);
      }
      rmSync(sockDir, { recursive: true, force: true });
    },
  };
}

function _exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}
